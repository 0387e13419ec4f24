package meshchat.peer.link.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Links use BoringSSL where its native library loads (Linux x86-64, which CI is), and the JDK's TLS
 * otherwise (docs/security.md, "Links"). Interoperation of the two is what LinkTlsTest and the
 * hostile-peer tests show: they dial these peers with the JDK's TLS sockets.
 */
class LinkTlsEngineTest {
  @Test
  void linksUseBoringSslWhereItsNativeLibraryLoads() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
      assertThat(OpenSsl.isAvailable()).as("BoringSSL loads on Linux x86-64").isTrue();
    }
    assertThat(LinkTls.provider())
        .isEqualTo(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
  }
}
