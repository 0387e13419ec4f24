package meshchat.testkit.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of one peer that counts the bytes it carries each way: how the benchmarks
 * measure bytes on the wire without any hook in production code. It listens on 127.0.0.2 and
 * connects out from 127.0.0.3 while the peers listen on 127.0.0.1 only, so addresses the peers
 * learn from a proxied link lead nowhere and no traffic goes around the proxy.
 */
final class CountingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  /** Bytes from the dialer to the target, and from the target back to the dialer. */
  final AtomicLong toTarget = new AtomicLong();

  final AtomicLong fromTarget = new AtomicLong();

  CountingProxy(int targetPort) throws IOException {
    target = new InetSocketAddress("127.0.0.1", targetPort);
    server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.2"));
    Thread t = new Thread(this::acceptLoop, "proxy-" + server.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  String host() {
    return "127.0.0.2";
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket in = server.accept();
        Socket out = new Socket();
        out.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0));
        out.connect(target, 2_000);
        in.setTcpNoDelay(true);
        out.setTcpNoDelay(true);
        open.add(in);
        open.add(out);
        pump(in, out, toTarget);
        pump(out, in, fromTarget);
      } catch (IOException e) {
        // closed, or the target is gone: the dialer sees its connection fail
      }
    }
  }

  private void pump(Socket from, Socket to, AtomicLong counter) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[64 * 1024];
              try (InputStream is = from.getInputStream();
                  OutputStream os = to.getOutputStream()) {
                for (int n; (n = is.read(buf)) >= 0; ) {
                  counter.addAndGet(n);
                  os.write(buf, 0, n);
                }
              } catch (IOException e) {
                // a side closed
              } finally {
                close(from);
                close(to);
              }
            },
            "pump");
    t.setDaemon(true);
    t.start();
  }

  private static void close(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    close(server);
    open.forEach(CountingProxy::close);
  }
}
