package meshchat.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import meshchat.proto.v1.Registered;
import meshchat.tracker.client.RegistrationKey;
import meshchat.tracker.client.TrackerClient;
import meshchat.tracker.client.TrackerListener;
import meshchat.wire.Ed25519;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A tracker session can register only the peer id whose key it proves (issue 6). */
class KeyProofTest {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private TrackerServer server;
  private TrackerClient client;
  private final Keys alice = new Keys();
  private final Keys mallory = new Keys();

  /** An Ed25519 key pair and the peer id it implies. */
  private static final class Keys {
    final KeyPair pair;
    final byte[] raw;
    final byte[] id;

    Keys() {
      try {
        pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      raw = Ed25519.raw(pair.getPublic());
      id = Ed25519.fingerprint(raw);
    }

    byte[] sign(byte[] data) {
      try {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(pair.getPrivate());
        s.update(data);
        return s.sign();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    RegistrationKey key() {
      return new RegistrationKey(raw, this::sign);
    }
  }

  @BeforeEach
  void start() throws Exception {
    server = TrackerServer.start(TrackerConfig.localTest()); // proofs required, as in production
    client = TrackerClient.connect(server.localAddress(), group, new TrackerListener() {}).join();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static <T> T done(CompletableFuture<T> f) throws Exception {
    return f.get(5, TimeUnit.SECONDS);
  }

  private void refused(CompletableFuture<?> f, String why) {
    assertThatThrownBy(() -> done(f))
        .hasMessageContaining("UNAUTHENTICATED")
        .hasMessageContaining(why);
  }

  @Test
  void aPeerRegistersTheIdOfItsOwnKey() throws Exception {
    Registered r = done(client.register("lobby", alice.id, "alice", "10.0.0.1", 7000, alice.key()));
    assertThat(r.getYou().getPeerId().toByteArray()).isEqualTo(alice.id);
  }

  @Test
  void anUnsignedRegistrationIsRefusedAndCounted() {
    refused(client.register("lobby", alice.id, "alice", "10.0.0.1", 7000), "must prove its key");
    assertThat(server.counters().errors(meshchat.proto.v1.Error.Code.UNAUTHENTICATED)).isEqualTo(1);
  }

  @Test
  void registeringSomeoneElsesIdWithYourOwnKeyIsRefused() throws Exception {
    refused(
        client.register("lobby", alice.id, "mallory", "10.6.6.6", 7000, mallory.key()),
        "not the fingerprint");
    // and the session stays usable for mallory's own id (the error is not fatal)
    done(client.register("lobby", mallory.id, "mallory", "10.6.6.6", 7000, mallory.key()));
  }

  @Test
  void aVictimsPublicKeyWithoutItsPrivateKeyIsRefused() {
    RegistrationKey stolenPublicKey = new RegistrationKey(alice.raw, mallory::sign);
    refused(
        client.register("lobby", alice.id, "alice", "10.6.6.6", 7000, stolenPublicKey),
        "bad registration signature");
  }

  @Test
  void aSignatureMadeForAnotherAddressCannotBeReused() {
    // alice's genuine signature of her registration at 10.0.0.1, replayed for mallory's host
    RegistrationKey replay =
        new RegistrationKey(
            alice.raw,
            data ->
                alice.sign(
                    RegistrationKey.transcript(
                        "lobby", alice.id, "alice", "10.0.0.1", 7000, readTimestamp(data))));
    refused(
        client.register("lobby", alice.id, "alice", "10.6.6.6", 7000, replay),
        "bad registration signature");
  }

  /** The timestamp is the transcript's last 8 bytes (big-endian). */
  private static long readTimestamp(byte[] transcript) {
    long t = 0;
    for (int i = transcript.length - 8; i < transcript.length; i++) {
      t = (t << 8) | (transcript[i] & 0xFF);
    }
    return t;
  }
}
