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
      TrackerFrame refused = twoInThirdRefused(server, a, b, c);
      assertThat(refused.getError().getMessage()).contains("too many sessions");
      // a closed session frees its slot
      a.close();
      aNewSessionRegisters(server, null);
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
      // a third address, with no session of its own yet, is still over the cap in all
      TrackerFrame refused = twoInThirdRefused(server, a, b, c);
      assertThat(refused.getError().getMessage())
          .isEqualTo("too many sessions at this tracker (limit 2)");
      a.close();
      aNewSessionRegisters(server, "127.0.0.5");
    }
  }

  /** a and b register; c, one over the limit, is refused at once: the refusal, checked. */
  private static TrackerFrame twoInThirdRefused(
      TrackerServer server, RawClient a, RawClient b, RawClient c) throws Exception {
    a.send(RawClient.register(1, "lobby", "0a", 4001));
    assertThat(a.read().hasRegistered()).isTrue();
    b.send(RawClient.register(1, "lobby", "0b", 4002));
    assertThat(b.read().hasRegistered()).isTrue();
    TrackerFrame refused = c.read();
    assertThat(refused.getError().getCode()).isEqualTo(Code.ADDRESS_LIMIT);
    assertThat(refused.getError().getFatal()).isTrue();
    assertThat(server.counters().errors(Code.ADDRESS_LIMIT)).isEqualTo(1);
    return refused;
  }

  /** A session opened now (from {@code bindTo}, or the default address) registers: a slot freed. */
  private static void aNewSessionRegisters(TrackerServer server, String bindTo) {
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              try (RawClient d =
                  bindTo == null
                      ? new RawClient(server.localAddress())
                      : new RawClient(server.localAddress(), bindTo)) {
                d.send(RawClient.register(1, "lobby", "0d", 4004));
                assertThat(d.read().hasRegistered()).isTrue();
              }
            });
  }
}
