package meshchat.peer.runtime;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A canned TLS 1.3 ClientHello, replayed at a peer as a stranger that spends nothing would. */
final class ClientHellos {
  private ClientHellos() {}

  /** One TLS 1.3 ClientHello record, made once by the JDK: replayed as it is. */
  static byte[] clientHello() throws Exception {
    SSLContext c = SSLContext.getInstance("TLSv1.3");
    c.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] a, String b) {}

            public void checkServerTrusted(X509Certificate[] a, String b) {}

            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    SSLEngine e = c.createSSLEngine();
    e.setUseClientMode(true);
    e.beginHandshake();
    ByteBuffer out = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
    e.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    return Arrays.copyOf(out.array(), out.limit());
  }

  /**
   * One connection from {@code from}: the ClientHello out, the server's first flight (its work is
   * done) back into {@code buf}; false if refused, reset or unanswered in 2 s.
   */
  static boolean replay(byte[] hello, int port, InetAddress from, byte[] buf) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port, from, 0)) {
      s.setSoTimeout(2_000);
      OutputStream out = s.getOutputStream();
      out.write(hello);
      out.flush();
      InputStream in = s.getInputStream();
      return in.read(buf) > 0;
    } catch (Exception e) {
      return false; // refused or reset
    }
  }
}
