package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

/**
 * A hostile peer must never grow our memory without bound through the receive paths that keep
 * state: the causal buffer (messages whose deps never come), the fetches they cause, and a link's
 * digest state (incremental digests that keep naming new origins).
 */
class HostileStateBoundsTest {
  @Test
  void messagesWhoseDepsNeverArriveAreForgottenBeyondTheBound() {
    CausalBuffer buffer = new CausalBuffer(100);
    for (int i = 1; i <= 10_000; i++) {
      PeerId author = PeerId.of(new byte[] {1, (byte) (i >> 8), (byte) i});
      ChatMessage m =
          new ChatMessage(
              new MessageId(author, 1),
              i,
              0,
              "x",
              "t",
              List.of(new MessageId(PeerId.of(new byte[] {2, (byte) (i >> 8), (byte) i}), 1)));
      CausalBuffer.Held h = buffer.hold(m, false, buffer.missingFor(m));
      buffer.markShownIncomplete(h);
    }
    assertThat(buffer.incompleteCount()).isEqualTo(100);
    assertThat(buffer.heldCount()).isEqualTo(100);
    assertThat(buffer.pendingCount()).isZero();
    assertThat(buffer.waitedOnCount()).isLessThanOrEqualTo(100);
  }

  @Test
  void aForgottenMessageNoLongerWaitsButTrackedOnesStillComplete() {
    CausalBuffer buffer = new CausalBuffer(1);
    PeerId a = PeerId.fromHex("aa");
    PeerId b = PeerId.fromHex("bb");
    ChatMessage dep1 = CausalBufferTest.msg(a, 1, 1);
    ChatMessage dep2 = CausalBufferTest.msg(b, 1, 2);
    ChatMessage first = CausalBufferTest.msg(PeerId.fromHex("cc"), 1, 3, dep1.id());
    ChatMessage second = CausalBufferTest.msg(PeerId.fromHex("dd"), 1, 4, dep2.id());
    buffer.markShownIncomplete(buffer.hold(first, false, buffer.missingFor(first)));
    buffer.markShownIncomplete(buffer.hold(second, false, buffer.missingFor(second)));
    assertThat(buffer.isHeld(first.id())).isFalse(); // forgotten: over the bound of 1
    List<MessageId> completed = new ArrayList<>();
    buffer.markDelivered(dep1, completed);
    buffer.markDelivered(dep2, completed);
    assertThat(completed).containsExactly(second.id());
  }

  @Test
  void incrementalDigestsCannotGrowALinksDigestStateWithoutBound() {
    AntiEntropy.Link l = new AntiEntropy.Link(PeerId.fromHex("ee"));
    int accepted = 0;
    for (int i = 0; i < 2 * AntiEntropy.Link.MAX_THEIRS_RANGES; i++) {
      PeerId origin = PeerId.of(new byte[] {3, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
      if (l.putTheirs(origin, SeqSet.of(0, List.of(new SeqRange(5, 6), new SeqRange(9, 9))))) {
        accepted++;
      }
    }
    assertThat(accepted).isEqualTo(AntiEntropy.Link.MAX_THEIRS_RANGES / 2);
    assertThat(l.theirs).hasSize(AntiEntropy.Link.MAX_THEIRS_RANGES / 2);
    // replacing an origin's entry frees its old ranges; a complete digest starts over
    l.clearTheirs();
    assertThat(l.putTheirs(PeerId.fromHex("01"), SeqSet.of(10, List.of()))).isTrue();
  }

  @Test
  void aFloodOfMessagesOnMissingDepsFromOneLinkTakesOnlyItsBudgetAndHonestDeliveryGoesOn() {
    Mesh mesh = new Mesh(RoomConfig.defaults(), "a", "b", "m").fullMesh();
    Mesh.Peer a = mesh.peer("a");
    for (int i = 1; i <= 2_500; i++) {
      injectOnMissingDep(
          mesh,
          PeerId.of(new byte[] {5, (byte) (i >> 8), (byte) i}),
          PeerId.of(new byte[] {6, (byte) (i >> 8), (byte) i}));
    }
    mesh.block("a", "m"); // mallory never answers a fetch
    mesh.pump();
    mesh.run(Room.DEP_FETCH_DELAY_MS); // the fetches go out once the tree had its time
    assertThat(a.room.heldBackCount()).isLessThanOrEqualTo(Room.MAX_HELD_PER_LINK);
    assertThat(a.room.counters().get(Counter.HOLD_BACK_BUDGET))
        .isEqualTo(2_500 - Room.MAX_HELD_PER_LINK);
    long fetches =
        mesh.sentOf(LinkMessage.SyncRequest.class, mesh.from("a").and(mesh.to("m"))).size();
    // the held messages came due together: their deps go in one fetch, not one fetch each
    assertThat(fetches).isPositive().isLessThanOrEqualTo(AntiEntropy.MAX_DEP_FETCHES);
    ChatMessage honest = mesh.peer("b").send("still heard");
    mesh.pump();
    assertThat(a.shownIds()).contains(honest.id());
    // unanswered fetches expire, so their budget comes back
    mesh.run(RoomConfig.defaults().syncRequestTimeoutMs() + 1);
    assertThat(a.room.counters().get(Counter.DEP_FETCH_EXPIRED)).isEqualTo(fetches);
  }

  @Test
  void onlyAuthorsOfStoredMessagesAreNumberedWhateverDigestsAndDepsName() {
    Mesh mesh = new Mesh(RoomConfig.defaults(), "a", "b", "m").fullMesh();
    Mesh.Peer a = mesh.peer("a");
    List<LinkMessage.DigestEntry> named = new ArrayList<>();
    for (int i = 1; i <= 1_000; i++) {
      PeerId stranger = PeerId.of(new byte[] {7, (byte) (i >> 8), (byte) i});
      named.add(new LinkMessage.DigestEntry(stranger, SeqSet.of(3, List.of())));
    }
    mesh.inject("m", "a", new LinkMessage.Digest(named, false));
    for (int i = 1; i <= 100; i++) {
      injectOnMissingDep(
          mesh, PeerId.of(new byte[] {8, (byte) i}), PeerId.of(new byte[] {9, (byte) i}));
    }
    mesh.peer("b").send("hello");
    mesh.pump();
    // the 100 fakes (stored, held) and b; none of the 1,000 named or the 100 deps' authors
    assertThat(a.room.holdings()).hasSize(101);
    assertThat(a.room.authorCount()).isEqualTo(101);
  }

  /** Mallory sends a, as {@code fake}'s first message, one that depends on a never-sent one. */
  private static void injectOnMissingDep(Mesh mesh, PeerId fake, PeerId nowhere) {
    mesh.inject(
        "m",
        "a",
        new LinkMessage.Chat(
            new ChatMessage(
                new MessageId(fake, 1), 10, 0, "m", "x", List.of(new MessageId(nowhere, 1)))));
  }
}
