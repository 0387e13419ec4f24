package meshchat.tracker.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import meshchat.proto.v1.Member;
import meshchat.wire.Ed25519;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * What a peer takes from a tracker's member list: only entries whose statement the member's own key
 * signed, for this room, at the address listed, within the last hour.
 */
class MemberStatementsTest {
  static final long NOW = 1_795_705_200_000L;
  static final byte[] SEED = new byte[32];
  static final byte[] KEY = new byte[32];
  static final byte[] NONCE = new byte[32];

  static {
    Arrays.fill(SEED, (byte) 2);
    Arrays.fill(NONCE, (byte) 0x40);
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(SEED, 0, KEY, 0);
  }

  /** Bob's entry as a tracker lists it, signed at {@code ts} for {@code room}. */
  static Member bob(String room, String advertised, long ts) {
    byte[] id = Ed25519.fingerprint(KEY);
    String observed = "192.168.1.21";
    byte[] t = RegistrationKey.transcript(NONCE, observed, room, id, "bob", advertised, 7001, ts);
    return Member.newBuilder()
        .setPeerId(ByteString.copyFrom(id))
        .setNick("bob")
        .setHost(MemberStatements.wildcard(advertised) ? observed : advertised)
        .setPort(7001)
        .setPublicKey(ByteString.copyFrom(KEY))
        .setSignature(ByteString.copyFrom(Ed25519.sign(SEED, t)))
        .setTimestampMs(ts)
        .setSessionNonce(ByteString.copyFrom(NONCE))
        .setObservedHost(observed)
        .setAdvertisedHost(advertised)
        .build();
  }

  static Member bob() {
    return bob("general", "", NOW);
  }

  @Test
  void anEntryTheMemberSignedHolds() {
    assertThat(MemberStatements.problem("general", bob(), NOW)).isNull();
    assertThat(MemberStatements.problem("general", bob("general", "10.1.2.3", NOW), NOW)).isNull();
    assertThat(MemberStatements.problem("general", bob("general", "0.0.0.0", NOW), NOW)).isNull();
  }

  /**
   * rev27 F1: a host is the member's own choice and it signs it, so a signature is no reason to
   * take a host with a tab, newline or escape: it would forge peer-cache lines or reach /who.
   */
  @Test
  void aSignedHostThatIsNoHostNameOrAddressFails() {
    for (String host : new String[] {"h\t1\t1\tn\nlobby\tabcd\t203.0.113.66", "\u001b[2J", "a b"}) {
      assertThat(MemberStatements.problem("general", bob("general", host, NOW), NOW))
          .as("%s", host)
          .contains("not a host name or IP address");
    }
    assertThat(MemberStatements.problem("general", bob("general", "chat.example.org", NOW), NOW))
        .isNull();
  }

  /**
   * A replayed statement (the same MemberJoined again, the member list on every ask) costs a
   * lookup, not a signature check; a changed one is checked again, and fails; the time checks still
   * run.
   */
  @Test
  void aReplayedStatementIsNotVerifiedAgainButAChangedOneIs() {
    Member b = bob("general", "10.9.9.9", NOW - 1);
    long before = MemberStatements.verifications.get();
    assertThat(MemberStatements.problem("general", b, NOW)).isNull();
    for (int i = 0; i < 100; i++) {
      assertThat(MemberStatements.problem("general", b, NOW)).isNull();
    }
    assertThat(MemberStatements.verifications.get() - before).as("signature checks").isOne();
    Member renamed = b.toBuilder().setNick("alice").build();
    assertThat(MemberStatements.problem("general", renamed, NOW)).contains("does not verify");
    assertThat(MemberStatements.problem("other", b, NOW)).contains("does not verify");
    assertThat(
            MemberStatements.problem("general", b, NOW + MemberStatements.LIFETIME.toMillis() * 2))
        .contains("expired");
    assertThat(MemberStatements.verifications.get() - before).isEqualTo(3);
  }

  @Test
  void whatATrackerOrARelayWouldChangeFails() {
    Member b = bob();
    assertThat(problem(b.toBuilder().setHost("203.0.113.9"))).contains("host");
    assertThat(problem(b.toBuilder().setHost("203.0.113.9").setObservedHost("203.0.113.9")))
        .contains("does not verify");
    assertThat(problem(b.toBuilder().setHost("203.0.113.9").setAdvertisedHost("203.0.113.9")))
        .contains("does not verify");
    assertThat(problem(b.toBuilder().setPort(80))).contains("does not verify");
    assertThat(problem(b.toBuilder().setNick("alice"))).contains("does not verify");
    assertThat(problem(b.toBuilder().setSessionNonce(ByteString.copyFrom(new byte[32]))))
        .contains("does not verify");
    assertThat(problem(b.toBuilder().setTimestampMs(NOW - 1))).contains("does not verify");
    assertThat(problem(b.toBuilder().setPeerId(ByteString.copyFrom(new byte[16]))))
        .contains("fingerprint");
    assertThat(MemberStatements.problem("another room", b, NOW)).contains("does not verify");
  }

  @Test
  void anEntryWithoutAStatementIsNotTaken() {
    Member unsigned =
        bob().toBuilder().clearPublicKey().clearSignature().clearSessionNonce().build();
    assertThat(problem(unsigned.toBuilder())).contains("without its signed statement");
  }

  @Test
  void aStatementHoldsAnHourAndFiveMinutesOfSkewEitherWay() {
    long hour = MemberStatements.LIFETIME.toMillis();
    long skew = MemberStatements.SKEW.toMillis();
    assertThat(MemberStatements.problem("general", bob(), NOW + hour + skew)).isNull();
    assertThat(MemberStatements.problem("general", bob(), NOW + hour + skew + 1))
        .contains("expired");
    assertThat(MemberStatements.problem("general", bob(), NOW - skew)).isNull();
    assertThat(MemberStatements.problem("general", bob(), NOW - skew - 1)).contains("future");
  }

  @Test
  void timestampsAtTheEndsOfTimeAreRefusedWithoutOverflow() {
    for (long ts : new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1}) {
      assertThat(MemberStatements.problem("general", bob("general", "", ts), NOW)).isNotNull();
    }
  }

  private static String problem(Member.Builder m) {
    return MemberStatements.problem("general", m.build(), NOW);
  }

  @Provide
  Arbitrary<UnaryOperator<Member.Builder>> mutations() {
    Arbitrary<ByteString> bytes =
        Arbitraries.bytes().array(byte[].class).ofMaxSize(80).map(ByteString::copyFrom);
    Arbitrary<String> text = Arbitraries.strings().ofMaxLength(70);
    Arbitrary<Long> times =
        Arbitraries.oneOf(
            Arbitraries.longs(),
            Arbitraries.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, NOW + 1, NOW - 1));
    return Arbitraries.oneOf(
        bytes.map(v -> m -> m.setPeerId(v)),
        bytes.map(v -> m -> m.setPublicKey(v)),
        bytes.map(v -> m -> m.setSignature(v)),
        bytes.map(v -> m -> m.setSessionNonce(v)),
        text.map(v -> m -> m.setNick(v)),
        text.map(v -> m -> m.setHost(v)),
        text.map(v -> m -> m.setObservedHost(v)),
        text.map(v -> m -> m.setAdvertisedHost(v)),
        Arbitraries.integers().map(v -> m -> m.setPort(v)),
        times.map(v -> m -> m.setTimestampMs(v)));
  }

  /** Any change to any field of a signed entry is refused, and nothing a tracker sends throws. */
  @Property(tries = 500)
  void anyChangedFieldFailsAndNothingThrows(
      @ForAll("mutations") UnaryOperator<Member.Builder> change) {
    Member b = bob();
    Member changed = change.apply(b.toBuilder()).build();
    String problem = MemberStatements.problem("general", changed, NOW);
    assertThat(problem == null).isEqualTo(changed.equals(b));
  }
}
