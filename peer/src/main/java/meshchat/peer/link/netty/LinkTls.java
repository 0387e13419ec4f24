package meshchat.peer.link.netty;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.IdentityCertificate;

/**
 * TLS 1.3 for links (docs/security.md, "Links"): both ends present a self-signed certificate bound
 * to their Ed25519 identity ({@link IdentityCertificate}), the server requires the client's, and
 * {@link IdentityTrustManager} accepts exactly the certificates whose binding holds. One instance
 * per peer: the certificate key is made once per process, so a handshake costs an X25519 exchange
 * and one ECDSA signature per side, not a key generation. A chat makes it in the background ({@link
 * #inBackground}) while it opens its history and starts listening.
 *
 * <p>Only TLS 1.3 and its AEAD suites, AES-128-GCM first (AES-NI and CLMUL make it the cheapest on
 * x86 JDKs), then ChaCha20-Poly1305, then AES-256-GCM.
 */
public final class LinkTls {
  static final List<String> CIPHERS =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384");
  private static final String PROTOCOL = "TLSv1.3";

  /**
   * BoringSSL (netty-tcnative) where its native library loads: the JDK's AES-GCM costs several
   * microseconds per small record in Java code, which made TLS half of a busy peer's CPU. The JDK's
   * TLS elsewhere: the same protocol and suites, so the two interoperate.
   */
  static SslProvider provider() {
    return Engine.PROVIDER;
  }

  /** Asked on first use (loading BoringSSL takes a while), on the thread that makes the TLS. */
  private static final class Engine {
    static final SslProvider PROVIDER =
        !"jdk".equals(System.getProperty("meshchat.tls")) && OpenSsl.isAvailable()
            ? SslProvider.OPENSSL
            : SslProvider.JDK;
  }

  /**
   * What {@link #build} makes: the certificate and the contexts that present it. The JDK context
   * for blocking sockets ({@link #connect}) is made on first use: only harnesses and tools ask for
   * it, and setting up the JDK's TLS (some 160 classes, its suites checked one by one) cost every
   * start's links thread CPU beside the start for nothing.
   */
  private static final class Contexts {
    final IdentityCertificate certificate;
    final SslContext server;
    final SslContext client;
    final IdentityKeyManager keys;
    final IdentityTrustManager trust;
    private SSLContext sockets;

    Contexts(
        IdentityCertificate certificate,
        SslContext server,
        SslContext client,
        IdentityKeyManager keys,
        IdentityTrustManager trust) {
      this.certificate = certificate;
      this.server = server;
      this.client = client;
      this.keys = keys;
      this.trust = trust;
    }

    synchronized SSLContext sockets() throws IOException {
      if (sockets == null) {
        try {
          SSLContext c = SSLContext.getInstance(PROTOCOL);
          c.init(new KeyManager[] {keys}, new TrustManager[] {trust}, null);
          sockets = c;
        } catch (GeneralSecurityException e) {
          throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
      }
      return sockets;
    }
  }

  private final CompletableFuture<Contexts> contexts;

  private LinkTls(CompletableFuture<Contexts> contexts) {
    this.contexts = contexts;
  }

  private static Contexts build(Identity identity) {
    IdentityCertificate certificate = IdentityCertificate.create(identity);
    try {
      IdentityKeyManager keys = new IdentityKeyManager(certificate);
      IdentityTrustManager trust = new IdentityTrustManager();
      SslContext server =
          SslContextBuilder.forServer(keys)
              .sslProvider(provider())
              .protocols(PROTOCOL)
              .ciphers(CIPHERS)
              .clientAuth(ClientAuth.REQUIRE)
              .trustManager(trust)
              .build();
      SslContext client =
          SslContextBuilder.forClient()
              .sslProvider(provider())
              .protocols(PROTOCOL)
              .ciphers(CIPHERS)
              .keyManager(keys)
              .trustManager(trust)
              // a peer has no host name; who it is comes from the certificate's identity key
              .endpointIdentificationAlgorithm(null)
              .build();
      return new Contexts(certificate, server, client, keys, trust);
    } catch (IOException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** TLS for the links of {@code identity}, ready on return. */
  public static LinkTls forIdentity(Identity identity) {
    return new LinkTls(CompletableFuture.completedFuture(build(identity)));
  }

  /**
   * TLS for the links of {@code identity}, made on a thread of its own: a start need not wait for
   * it. Making the certificate key, the certificate (Bouncy Castle) and the TLS engines is the
   * largest part of a start's work (docs/benchmarks.md, "Fast start"), and nothing before {@code
   * ready} needs it: the peer listens at once and accepts, and dials, once it is {@link #ready}.
   */
  public static LinkTls inBackground(Identity identity) {
    return inBackground(
        identity,
        task -> {
          Thread t = new Thread(task, "tls-setup");
          t.setDaemon(true);
          t.start();
        });
  }

  /** As {@link #inBackground(Identity)}, made by {@code maker}. */
  public static LinkTls inBackground(Identity identity, Executor maker) {
    CompletableFuture<Contexts> f = new CompletableFuture<>();
    maker.execute(
        () -> {
          try {
            f.complete(build(identity));
          } catch (RuntimeException | Error e) {
            f.completeExceptionally(e);
          }
        });
    return new LinkTls(f);
  }

  /** Completes once links can be made, exceptionally if TLS cannot be set up. */
  public CompletableFuture<Void> ready() {
    return contexts.thenApply(c -> null);
  }

  private Contexts contexts() {
    try {
      return contexts.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException("cannot set up TLS: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Adds TLS for one connection to the end of {@code p}, as "tls", and its handshake's timeout
   * after it ({@link TlsDeadline}: the SslHandler's own, but with a starved loop's grace); {@code
   * dialedByUs}: we are the TLS client.
   */
  void addTo(ChannelPipeline p, boolean dialedByUs, long handshakeTimeoutMs) {
    Contexts c = contexts();
    SslHandler h = (dialedByUs ? c.client : c.server).newHandler(p.channel().alloc());
    h.setHandshakeTimeoutMillis(0); // TlsDeadline times it
    p.addLast("tls", h);
    p.addLast("tls-deadline", new TlsDeadline(handshakeTimeoutMs));
  }

  /** Our certificate, as the other side sees it. */
  public X509Certificate certificate() {
    return contexts().certificate.certificate();
  }

  /**
   * A blocking TLS socket to a peer, handshaken, presenting this identity: for harnesses that speak
   * the link protocol by hand (hostile-peer tests, tools).
   */
  public Socket connect(InetSocketAddress address) throws IOException {
    return connect(address, null);
  }

  /**
   * The same from a chosen local address ({@code from}, any port; null: the system's choice), so a
   * harness can stand for several hosts on loopback (127.0.0.2, 127.0.0.3, ...).
   */
  public Socket connect(InetSocketAddress address, InetAddress from) throws IOException {
    SSLSocket s = (SSLSocket) contexts().sockets().getSocketFactory().createSocket();
    if (from != null) {
      s.bind(new InetSocketAddress(from, 0));
    }
    s.connect(address, 5_000);
    s.setEnabledProtocols(new String[] {PROTOCOL});
    s.setEnabledCipherSuites(CIPHERS.toArray(String[]::new));
    s.setTcpNoDelay(true);
    s.startHandshake();
    return s;
  }

  /**
   * A blocking TLS server socket presenting this identity and requiring the dialer's, bound to
   * {@code address} (port 0: any): for harnesses that play a peer another peer dials (a hostile
   * one, say). Each accepted socket completes its handshake on its first read or write.
   */
  public ServerSocket listen(InetSocketAddress address) throws IOException {
    SSLServerSocket s =
        (SSLServerSocket) contexts().sockets().getServerSocketFactory().createServerSocket();
    s.bind(address);
    s.setEnabledProtocols(new String[] {PROTOCOL});
    s.setEnabledCipherSuites(CIPHERS.toArray(String[]::new));
    s.setNeedClientAuth(true);
    return s;
  }

  /** SHA-256 of our certificate on a socket from {@link #connect}. */
  public static byte[] localCertificateHash(Socket s) {
    return certificateHash(((SSLSocket) s).getSession().getLocalCertificates()[0]);
  }

  /** SHA-256 of the other end's certificate on a socket from {@link #connect}. */
  public static byte[] peerCertificateHash(Socket s) throws SSLPeerUnverifiedException {
    return certificateHash(((SSLSocket) s).getSession().getPeerCertificates()[0]);
  }

  /** The identity key the other end of {@code session} proved, checked again (never trusted). */
  public static byte[] peerIdentityKey(SSLSession session) throws SSLPeerUnverifiedException {
    try {
      // an array of Certificate from BoringSSL's sessions, of X509Certificate from the JDK's
      Certificate[] chain = session.getPeerCertificates();
      X509Certificate[] x509 = new X509Certificate[chain.length];
      for (int i = 0; i < chain.length; i++) {
        x509[i] = (X509Certificate) chain[i];
      }
      return IdentityCertificate.identityKey(x509);
    } catch (CertificateException | ClassCastException e) {
      throw new SSLPeerUnverifiedException("bad peer certificate: " + e.getMessage());
    }
  }

  /**
   * SHA-256 of a DER certificate: what the Hello proof binds to (the idea of RFC 5929's
   * tls-server-end-point, for both ends).
   */
  public static byte[] certificateHash(Certificate c) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot hash a certificate: " + e.getMessage(), e);
    }
  }
}
