package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.clock.ClockBound;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.LinkMessage.Want;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every number a peer sends, at the values that break arithmetic (0, ±1, 2^62 ± 1, 2^63 − 1, −2^63
 * and random), in every message type. A value the domain refuses is what the codec refuses on the
 * wire (INVALID_MESSAGE); every value it accepts must go through the room without an exception (not
 * even one the room would contain), leave the clock within what the clock bound allows, and leave
 * the room able to send and to deliver an honest peer's message.
 */
class ExtremeNumbersPropertyTest {
  @Provide
  Arbitrary<Long> extreme() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            0L,
            1L,
            -1L,
            2L,
            (1L << 62) - 1,
            1L << 62,
            (1L << 62) + 1,
            Long.MAX_VALUE - 1,
            Long.MAX_VALUE,
            Long.MIN_VALUE,
            (long) Integer.MAX_VALUE,
            0xFFFF_FFFFL),
        Arbitraries.longs());
  }

  @Provide
  Arbitrary<Integer> extremeInt() {
    return Arbitraries.oneOf(
        Arbitraries.of(0, 1, -1, 65_535, 65_536, Integer.MAX_VALUE, Integer.MIN_VALUE),
        Arbitraries.integers());
  }

  /** Builds a message with these numbers, or null where the domain (so the codec) refuses them. */
  private static LinkMessage build(int kind, PeerId m, long a, long b, long c, int n) {
    try {
      return switch (kind) {
        case 0 ->
            new LinkMessage.Chat(
                new ChatMessage(
                    new MessageId(m, a), b, c, "m", "t", List.of(new MessageId(m, Math.abs(c)))));
        case 1 ->
            new LinkMessage.Digest(
                List.of(new DigestEntry(m, SeqSet.of(a, List.of(new SeqRange(b, c))))), n % 2 == 0);
        case 2 -> new LinkMessage.SyncRequest(a, List.of(new Want(m, new SeqRange(b, c))), n);
        case 3 ->
            new LinkMessage.SyncBatch(
                a,
                List.of(new ChatMessage(new MessageId(m, b), c, 0, "m", "t", List.of())),
                n % 2 == 0);
        case 4 -> new LinkMessage.Ping(a);
        case 5 -> new LinkMessage.PeerList(List.of(new PeerAddress(m, "m", "127.0.0.1", n)));
        case 6 -> new LinkMessage.Head(head(m, a));
        case 7 ->
            new LinkMessage.SyncBatch(
                a, // 0 is a graft's answer
                List.of(
                    new ChatMessage(new MessageId(m, b), Math.abs(c) + 1, 0, "m", "t", List.of())),
                true,
                List.of(head(m, c)));
        case 8 -> new LinkMessage.IHave(List.of(new MessageId(m, a)));
        case 9 -> new LinkMessage.Graft(List.of(new MessageId(m, a)));
        default -> new LinkMessage.Hello(1, m, "m", "lobby", n, a);
      };
    } catch (IllegalArgumentException refusedAtDecode) {
      return null;
    }
  }

  private static ChainHead head(PeerId m, long seq) {
    return new ChainHead(m, seq, new byte[ChatMessage.HASH_BYTES], new byte[64], new byte[32]);
  }

  @Property(tries = 300)
  void noNumberAPeerSendsThrowsOrRunsTheClockAway(
      @ForAll("kinds") int kind,
      @ForAll("extreme") long a,
      @ForAll("extreme") long b,
      @ForAll("extreme") long c,
      @ForAll("extremeInt") int n) {
    Mesh mesh = new Mesh(RoomConfig.defaults(), "a", "b", "m").fullMesh();
    Mesh.Peer victim = mesh.peer("a");
    PeerId m = mesh.peer("m").id;
    LinkMessage attack = build(kind, m, a, b, c, n);
    if (attack instanceof LinkMessage.Hello h) {
      victim.room.linkUp(mesh.peer("m").address(), h.lamport());
    } else if (attack != null) {
      mesh.inject("m", "a", attack);
      mesh.inject("m", "a", attack); // twice: duplicates take other paths
    }
    mesh.run(2 * RoomConfig.defaults().syncIntervalMs()); // digests, requests, timeouts
    assertThat(victim.room.counters().get(Counter.INTERNAL_ERROR)).isZero();
    assertThat(victim.room.lamport()).isLessThanOrEqualTo(ClockBound.BURST + 1_000);
    ChatMessage honest = mesh.peer("b").send("after " + attack);
    ChatMessage own = victim.send("mine");
    mesh.pump();
    assertThat(victim.shownIds()).contains(honest.id(), own.id());
  }

  @Provide
  Arbitrary<Integer> kinds() {
    return Arbitraries.integers().between(0, 10);
  }
}
