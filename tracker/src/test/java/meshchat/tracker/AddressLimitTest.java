package meshchat.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import meshchat.proto.v1.Error.Code;
import meshchat.proto.v1.TrackerFrame;
import org.junit.jupiter.api.Test;

/**
 * One source address holds at most maxSessionsPerAddress sessions, and the tracker at most
 * maxSessions from every address together; the next is refused.
 */
class AddressLimitTest {
  @Test
  @SuppressWarnings("try") // closing one session early, inside its try, is what frees the slot
  void aSessionOverTheAddressLimitGetsAFatalErrorAndIsCounted() throws Exception {
    try (TrackerServer server =
            // readable ids, no key proofs: KeyProofTest covers those
            TrackerServer.start(
                TrackerConfig.localTest()
                    .with(
                        cfg -> {
                          cfg.maxSessionsPerAddress = 2;
                          cfg.requireKeyProof = false;
                        }));
        RawClient a = new RawClient(server.localAddress());
        RawClient b = new RawClient(server.localAddress());
        RawClient c = new RawClient(server.localAddress())) {
      a.send(RawClient.register(1, "lobby", "0a", 4001));
      assertThat(a.read().hasRegistered()).isTrue();
      b.send(RawClient.register(1, "lobby", "0b", 4002));
      assertThat(b.read().hasRegistered()).isTrue();

      TrackerFrame refused = c.read();
      assertThat(refused.getError().getCode()).isEqualTo(Code.ADDRESS_LIMIT);
      assertThat(refused.getError().getFatal()).isTrue();
      assertThat(refused.getError().getMessage()).contains("too many sessions");
      assertThat(server.counters().errors(Code.ADDRESS_LIMIT)).isEqualTo(1);

      // a closed session frees its slot
      a.close();
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                try (RawClient d = new RawClient(server.localAddress())) {
                  d.send(RawClient.register(1, "lobby", "0d", 4004));
                  assertThat(d.read().hasRegistered()).isTrue();
                }
              });
    }
  }

  @Test
  @SuppressWarnings("try") // as above
  void aSessionOverTheTrackersSessionCapGetsAFatalErrorWhateverItsAddress() throws Exception {
    try (TrackerServer server =
            TrackerServer.start(
                TrackerConfig.localTest()
                    .with(
                        cfg -> {
                          cfg.maxSessions = 2;
                          cfg.requireKeyProof = false;
                        }));
        RawClient a = new RawClient(server.localAddress(), "127.0.0.2");
        RawClient b = new RawClient(server.localAddress(), "127.0.0.3");
        RawClient c = new RawClient(server.localAddress(), "127.0.0.4")) {
      a.send(RawClient.register(1, "lobby", "0a", 4001));
      assertThat(a.read().hasRegistered()).isTrue();
      b.send(RawClient.register(1, "lobby", "0b", 4002));
      assertThat(b.read().hasRegistered()).isTrue();

      // a third address, with no session of its own yet, is still over the cap in all
      TrackerFrame refused = c.read();
      assertThat(refused.getError().getCode()).isEqualTo(Code.ADDRESS_LIMIT);
      assertThat(refused.getError().getFatal()).isTrue();
      assertThat(refused.getError().getMessage())
          .isEqualTo("too many sessions at this tracker (limit 2)");
      assertThat(server.counters().errors(Code.ADDRESS_LIMIT)).isEqualTo(1);

      a.close();
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                try (RawClient d = new RawClient(server.localAddress(), "127.0.0.5")) {
                  d.send(RawClient.register(1, "lobby", "0d", 4004));
                  assertThat(d.read().hasRegistered()).isTrue();
                }
              });
    }
  }
}
