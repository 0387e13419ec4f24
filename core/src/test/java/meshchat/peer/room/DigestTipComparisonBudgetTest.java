package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

/**
 * A digest entry's tip is compared with our chain by reading our message at that seq and hashing it
 * (up to 64 KiB) on the room thread. A digest may hold 10,000 entries, sent at up to 20,000 frames
 * a second: until session 29 (rev29 F7) one origin named 10,000 times, or 10,000 throwaway authors'
 * tips, cost 10,000 store reads and hashes at every frame, and the room stalled behind one member.
 * Now a digest naming an origin twice is refused, a tip found equal is not compared again, and a
 * link's comparisons have a budget a period; what is over it waits for the next periods, never
 * dropped, so a fork named by an honest digest is still caught. The store counts its reads.
 */
class DigestTipComparisonBudgetTest {
  private final AtomicLong reads = new AtomicLong();
  private final InMemoryMessageStore real = new InMemoryMessageStore();

  private MessageStore counting() {
    return (MessageStore)
        Proxy.newProxyInstance(
            MessageStore.class.getClassLoader(),
            new Class<?>[] {MessageStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("get")) {
                reads.incrementAndGet();
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private Room victimRoom(Mesh mesh, Mesh.Peer victim, MessageSigner signer) {
    Room r =
        new Room(
            RoomConfig.defaults(),
            victim.id,
            "a",
            counting(),
            victim,
            mesh.scheduler,
            mesh.wallClock,
            new SplittableRandom(1),
            new Counters(),
            signer);
    r.start();
    return r;
  }

  @Test
  void aDigestNamingOneOriginTenThousandTimesIsRefusedWithoutAStoreRead() {
    Mesh mesh = new Mesh(RoomConfig.defaults(), "a", "b", "m");
    Mesh.Peer victim = mesh.peer("a");
    victim.room = victimRoom(mesh, victim, MessageSigner.NONE);
    mesh.fullMesh();
    ChatMessage held = mesh.peer("b").send("a line the victim holds");
    mesh.pump();
    assertThat(victim.shownIds()).contains(held.id());

    byte[] tip = new byte[ChatMessage.HASH_BYTES];
    tip[0] = 1;
    List<DigestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      entries.add(new DigestEntry(held.id().origin(), SeqSet.of(1, List.of()), 1, tip));
    }
    long before = reads.get();
    for (int i = 0; i < 10; i++) {
      mesh.inject("m", "a", new Digest(entries, false));
      mesh.pump();
    }
    long spent = reads.get() - before;
    assertThat(spent)
        .as("store reads for ten digests naming one tip 10,000 times each: %d", spent)
        .isLessThanOrEqualTo(64);
    assertThat(victim.closes)
        .as("the link that sent a digest naming an origin twice is closed as malformed")
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.reason()).isEqualTo(CloseReason.INVALID_MESSAGE));
    assertThat(victim.closes.get(0).message()).contains("names an origin twice");

    // the room goes on
    ChatMessage next = mesh.peer("b").send("still here?");
    mesh.pump();
    assertThat(victim.shownIds()).contains(next.id());
  }

  private static final int AUTHORS = 2_000;

  /** {@link #AUTHORS} throwaway authors, one chained line each, in the victim's store. */
  private List<ChatMessage> throwawayLines() {
    List<ChatMessage> lines = new ArrayList<>();
    for (int i = 0; i < AUTHORS; i++) {
      PeerId author = PeerId.of(ByteBuffer.allocate(8).putInt(0x7a7a7a7a).putInt(i).array());
      ChatMessage m =
          new ChatMessage(new MessageId(author, 1), 2, 1_000, "t", "line " + i, List.of())
              .chained(new byte[ChatMessage.HASH_BYTES]);
      real.append(m);
      lines.add(m);
    }
    return lines;
  }

  private record Victim(Mesh mesh, Mesh.Peer victim, List<ChatMessage> lines) {}

  /**
   * a holds one line each of the throwaway authors, on a counting store; m, linked to a, holds none
   * of them and never hears of them from a.
   */
  private Victim victimOfThrowawayAuthors() {
    Mesh mesh = new Mesh(RoomConfig.defaults(), true, "a", "m");
    Mesh.Peer victim = mesh.peer("a");
    List<ChatMessage> lines = throwawayLines();
    victim.room = victimRoom(mesh, victim, new TestChainSigner());
    mesh.block("a", "m").fullMesh();
    mesh.pump();
    return new Victim(mesh, victim, lines);
  }

  private static Digest digestOf(List<ChatMessage> lines, byte[] otherHashFor) {
    List<DigestEntry> entries = new ArrayList<>();
    for (ChatMessage m : lines) {
      byte[] hash = TestChainSigner.chainHash(m);
      if (otherHashFor != null) {
        hash = otherHashFor.clone();
        hash[31] ^= (byte) m.hashCode();
      }
      entries.add(new DigestEntry(m.origin(), SeqSet.of(1, List.of()), 1, hash));
    }
    return new Digest(entries, false);
  }

  @Test
  void tipsOfThrowawayAuthorsChangedAtEveryFrameCostAtMostTheLinksBudget() {
    Victim v = victimOfThrowawayAuthors();
    Mesh mesh = v.mesh();
    Mesh.Peer victim = v.victim();
    List<ChatMessage> lines = v.lines();

    long before = reads.get();
    for (int i = 0; i < 10; i++) {
      byte[] forged = new byte[ChatMessage.HASH_BYTES];
      forged[0] = (byte) (i + 1);
      mesh.inject("m", "a", digestOf(lines, forged));
      mesh.pump();
    }
    long spent = reads.get() - before;
    assertThat(spent)
        .as(
            "store reads for ten digests of %d changed tips each (on main: %d)",
            AUTHORS, 10 * AUTHORS)
        .isLessThanOrEqualTo(AntiEntropy.TIP_COMPARES_BURST);
    assertThat(victim.room.counters().get(Counter.DIGEST_TIPS_DEFERRED)).isPositive();
    assertThat(victim.closes).isEmpty();
  }

  @Test
  void anHonestDigestsTipsAreAllComparedOverPeriodsOnceEachAndAForkAmongThemIsStillAsked() {
    Victim v = victimOfThrowawayAuthors();
    Mesh mesh = v.mesh();
    Mesh.Peer victim = v.victim();
    List<ChatMessage> lines = v.lines();

    // the last author's tip differs: m holds another version of its line 1
    ChatMessage forked = lines.get(AUTHORS - 1);
    List<DigestEntry> entries = new ArrayList<>(digestOf(lines, null).entries());
    byte[] other = TestChainSigner.chainHash(forked).clone();
    other[0] ^= 1;
    entries.set(AUTHORS - 1, new DigestEntry(forked.origin(), SeqSet.of(1, List.of()), 1, other));
    Digest honest = new Digest(entries, false);

    long before = reads.get();
    mesh.inject("m", "a", honest);
    mesh.pump();
    long first = reads.get() - before;
    assertThat(first).as("compared at once").isEqualTo(AntiEntropy.TIP_COMPARES_BURST);
    assertThat(asksFor(mesh, forked)).as("not compared yet: over the budget").isFalse();

    // enough periods for the rest (the budget refills by TIP_COMPARES_PER_PERIOD a period)
    long periods = (AUTHORS - first) / AntiEntropy.TIP_COMPARES_PER_PERIOD + 2;
    mesh.run(periods * RoomConfig.defaults().syncIntervalMs() * 5 / 4 + 1);
    long all = reads.get() - before;
    assertThat(all).as("every tip compared").isGreaterThanOrEqualTo(AUTHORS);
    assertThat(asksFor(mesh, forked))
        .as("the fork's tip was compared and its range asked")
        .isTrue();

    // the same digest again: every tip found equal is not read again
    long again = reads.get();
    mesh.inject("m", "a", honest);
    mesh.pump();
    assertThat(reads.get() - again).as("reads for the same digest again").isLessThanOrEqualTo(1);
  }

  private static boolean asksFor(Mesh mesh, ChatMessage m) {
    return mesh.sentOf(SyncRequest.class, mesh.from("a").and(mesh.to("m"))).stream()
        .flatMap(r -> r.wants().stream())
        .anyMatch(
            w ->
                w.origin().equals(m.origin())
                    && w.range().first() <= m.seq()
                    && m.seq() <= w.range().last());
  }
}
