package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * An honest room converges after an equivocation: a hostile member m signs two histories that share
 * a prefix and differ from seq F on, and gives one to one honest peer and the other to another.
 * Whatever the honest topology, every honest peer ends up naming m as equivocating at exactly F,
 * holds the same m messages below F, shows m's later messages marked, and keeps delivering honest
 * messages.
 */
class EquivocationConvergencePropertyTest {
  static final RoomConfig CONFIG = RoomConfig.defaults().with(d -> d.syncIntervalMs = 1_000);
  static final String[] HONEST = {"a", "b", "c", "d", "e"};

  /** m's side: chained messages and heads, signed the way honest rooms sign in these tests. */
  static final class Author {
    final PeerId id;
    final TestChainSigner signer = new TestChainSigner();
    final List<ChatMessage> written = new ArrayList<>();

    Author(PeerId id, List<ChatMessage> prefix) {
      this.id = id;
      written.addAll(prefix);
    }

    ChatMessage next(String text) {
      long seq = written.size() + 1;
      byte[] prev =
          written.isEmpty()
              ? new byte[ChatMessage.HASH_BYTES]
              : signer.hash(written.get(written.size() - 1));
      ChatMessage m =
          new ChatMessage(new MessageId(id, seq), 1 + seq, 1_000 * seq, "m", text, List.of())
              .chained(prev);
      written.add(m);
      return m;
    }

    ChainHead head() {
      ChatMessage last = written.get(written.size() - 1);
      return signer.signHead(id, last.seq(), signer.hash(last));
    }
  }

  /** Sends {@code from}..end of {@code author}'s chain to {@code to} as live chats and one head. */
  private static void sendLive(Mesh mesh, Author author, int from, String to) {
    for (ChatMessage m : author.written.subList(from, author.written.size())) {
      mesh.inject("m", to, new LinkMessage.Chat(m));
    }
    mesh.inject("m", to, new LinkMessage.Head(author.head()));
  }

  @Property(tries = 40)
  void everyHonestPeerFreezesTheAuthorAtTheSameSeqAndAgreesBelowIt(
      @ForAll @IntRange(min = 3, max = 5) int n,
      @ForAll @IntRange(min = 0, max = 3) int prefix,
      @ForAll @IntRange(min = 1, max = 4) int lengthA,
      @ForAll @IntRange(min = 1, max = 4) int lengthB,
      @ForAll long seed) {
    Random random = new Random(seed);
    List<String> names = new ArrayList<>(List.of(HONEST).subList(0, n));
    List<String> all = new ArrayList<>(names);
    all.add("m");
    Mesh mesh = new Mesh(CONFIG, true, all.toArray(String[]::new));
    // a random connected honest graph: a random spanning path plus random chords
    List<String> order = new ArrayList<>(names);
    Collections.shuffle(order, random);
    for (int i = 1; i < n; i++) {
      mesh.link(order.get(i - 1), order.get(i));
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 2; j < n; j++) {
        if (random.nextInt(3) == 0) {
          mesh.link(order.get(i), order.get(j));
        }
      }
    }
    String x = order.get(random.nextInt(n));
    String y = order.get((order.indexOf(x) + 1 + random.nextInt(n - 1)) % n);
    mesh.link("m", x).link("m", y).pump();

    PeerId m = mesh.peer("m").id;
    Author common = new Author(m, List.of());
    for (int i = 0; i < prefix; i++) {
      common.next("common " + i);
    }
    Author a = new Author(m, common.written);
    Author b = new Author(m, common.written);
    for (int i = 0; i < lengthA; i++) {
      a.next("told to " + x + " " + i);
    }
    for (int i = 0; i < lengthB; i++) {
      b.next("told to " + y + " " + i);
    }
    sendLive(mesh, a, 0, x);
    sendLive(mesh, b, 0, y);
    mesh.pump();
    mesh.unlink("m", x).unlink("m", y);

    mesh.run(30_000);
    long fork = prefix + 1;
    for (String p : names) {
      Mesh.Peer peer = mesh.peer(p);
      assertThat(peer.room.equivocators()).as(p).isEqualTo(Map.of(m, fork));
      assertThat(peer.room.counters().get(Counter.INTERNAL_ERROR)).isZero();
      for (ChatMessage c : common.written) {
        assertThat(peer.store.get(c.id())).as(p + " holds " + c.id()).contains(c);
      }
    }

    // m goes on along version A: where it is shown, it is marked; nobody passes it on
    mesh.link("m", x).pump();
    int sent = a.written.size();
    while (a.written.size() < b.written.size()) {
      a.next("filler"); // past every seq of version B, which x may hold
    }
    ChatMessage later = a.next("later");
    sendLive(mesh, a, sent, x);
    mesh.pump();
    mesh.unlink("m", x);
    assertThat(mesh.peer(x).deliveryOf(later.id()).disputed()).isTrue();

    // and the honest room still talks
    ChatMessage honest = mesh.peer(order.get(0)).send("still here");
    mesh.run(10_000);
    for (String p : names) {
      assertThat(mesh.peer(p).shownIds()).as(p).contains(honest.id());
      if (!p.equals(x)) {
        assertThat(mesh.peer(p).store.get(later.id())).as(p).isEmpty();
      }
    }
  }

  /**
   * Two peers that hold the two versions whole, with the same seqs: only the digest tips differ.
   */
  @Test
  void twoPeersHoldingDifferentHistoriesOfTheSameSeqsNoticeByTheirDigests() {
    Mesh mesh = new Mesh(CONFIG, true, "a", "b", "m");
    mesh.link("m", "a").link("m", "b").pump();
    PeerId m = mesh.peer("m").id;
    Author common = new Author(m, List.of());
    common.next("hello");
    Author a = new Author(m, common.written);
    Author b = new Author(m, common.written);
    a.next("yes");
    a.next("and more");
    b.next("no");
    b.next("and other");
    sendLive(mesh, a, 0, "a");
    sendLive(mesh, b, 0, "b");
    mesh.pump();
    mesh.unlink("m", "a").unlink("m", "b");

    mesh.link("a", "b").run(10_000);
    assertThat(mesh.peer("a").room.equivocators()).isEqualTo(Map.of(m, 2L));
    assertThat(mesh.peer("b").room.equivocators()).isEqualTo(Map.of(m, 2L));
    assertThat(mesh.sentOf(LinkMessage.Equivocated.class)).isNotEmpty();
    assertThat(mesh.peer("a").notices(RoomNotice.Equivocated.class))
        .containsExactly(new RoomNotice.Equivocated(m, 2));
  }
}
