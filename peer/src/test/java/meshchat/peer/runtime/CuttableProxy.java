package meshchat.peer.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One link's wire, as a TCP proxy that a test can cut and heal: fault injection by wrapping the
 * transport, not by hooks in production code (MicroRaft's Firewall, scalecube's network emulator).
 *
 * <p>It listens on 127.0.0.2 and connects out from 127.0.0.3 while peers listen on 127.0.0.1 only.
 * Every address a peer learns from a proxied link (the remote address plus the Hello's listening
 * port) is therefore on 127.0.0.2 or .3, where nobody listens: redials and peer-exchange dials
 * cannot go around a cut proxy, and the only way between two peers is the proxy itself.
 */
final class CuttableProxy implements AutoCloseable {
  private static final InetAddress FRONT = address("127.0.0.2");
  private static final InetAddress BACK = address("127.0.0.3");

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean cut;

  CuttableProxy(int targetPort) throws IOException {
    this.target = new InetSocketAddress("127.0.0.1", targetPort);
    this.server = new ServerSocket(0, 50, FRONT);
    Thread t = new Thread(this::acceptLoop, "proxy-" + server.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  private static InetAddress address(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String host() {
    return FRONT.getHostAddress();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Drops every connection through this proxy and refuses new ones until {@link #heal}. */
  void cut() {
    cut = true;
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  void heal() {
    cut = false;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket in;
      try {
        in = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (cut) {
        closeQuietly(in);
        continue;
      }
      try {
        Socket out = new Socket();
        out.bind(new InetSocketAddress(BACK, 0));
        out.connect(target, 2_000);
        open.add(in);
        open.add(out);
        pump(in, out);
        pump(out, in);
      } catch (IOException e) {
        closeQuietly(in);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream is = from.getInputStream();
                  OutputStream os = to.getOutputStream()) {
                for (int n; (n = is.read(buf)) >= 0; ) {
                  os.write(buf, 0, n);
                }
              } catch (IOException e) {
                // one side closed or was cut
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    cut();
    closeQuietly(server);
  }

  private static void closeQuietly(ServerSocket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
