package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

class CausalBufferTest {
  static final PeerId A = PeerId.fromHex("aa");
  static final PeerId B = PeerId.fromHex("bb");

  static ChatMessage msg(PeerId origin, long seq, long lamport, MessageId... deps) {
    return new ChatMessage(new MessageId(origin, seq), lamport, 0, "n", "t", List.of(deps));
  }

  private final CausalBuffer buffer = new CausalBuffer();

  private List<ChatMessage> deliver(ChatMessage m, List<MessageId> completed) {
    List<ChatMessage> out = new ArrayList<>();
    out.add(m);
    buffer.markDelivered(m, completed).forEach(r -> out.add(r.message()));
    return out;
  }

  @Test
  void aMessageWaitsForItsDepsAndItsAuthorsPreviousMessage() {
    ChatMessage a1 = msg(A, 1, 1);
    ChatMessage a2 = msg(A, 2, 2);
    ChatMessage b1 = msg(B, 1, 3, a2.id());
    assertThat(buffer.missingFor(b1)).containsExactly(a2.id());
    assertThat(buffer.missingFor(a2)).containsExactly(a1.id());
    assertThat(buffer.missingFor(a1)).isEmpty();
  }

  @Test
  void deliveringTheLastMissingMessageReleasesAChainInCausalOrder() {
    ChatMessage a1 = msg(A, 1, 1);
    ChatMessage a2 = msg(A, 2, 2);
    ChatMessage b1 = msg(B, 1, 3, a2.id());
    buffer.hold(b1, false, buffer.missingFor(b1));
    buffer.hold(a2, false, buffer.missingFor(a2));
    assertThat(buffer.heldCount()).isEqualTo(2);
    assertThat(buffer.oldest().message).isEqualTo(b1);

    List<MessageId> completed = new ArrayList<>();
    assertThat(deliver(a1, completed)).containsExactly(a1, a2, b1);
    assertThat(completed).isEmpty();
    assertThat(buffer.heldCount()).isZero();
    assertThat(buffer.frontier(8)).containsExactly(b1.id()); // b1 implies a2 implies a1
  }

  @Test
  void oneTwoAndThreeWaitersOfAnIdAreReleasedInTheOrderHeldAndEachCanStopWaiting() {
    ChatMessage a1 = msg(A, 1, 1);
    PeerId c = PeerId.fromHex("cc");
    ChatMessage b1 = msg(B, 1, 2, a1.id()); // waits alone for a1, then with two others
    ChatMessage c1 = msg(c, 1, 3, a1.id());
    ChatMessage c2 = msg(c, 2, 4, a1.id(), c1.id());
    buffer.hold(b1, false, buffer.missingFor(b1));
    assertThat(buffer.waitedOnCount()).isEqualTo(1);
    buffer.hold(c1, false, buffer.missingFor(c1));
    buffer.hold(c2, false, buffer.missingFor(c2));
    assertThat(buffer.waitedOnCount()).isEqualTo(2); // a1 (three waiters) and c1 (one)
    List<MessageId> completed = new ArrayList<>();
    assertThat(deliver(a1, completed)).containsExactly(a1, b1, c1, c2);
    assertThat(buffer.waitedOnCount()).isZero();

    // a lone waiter that stops waiting leaves no entry; one of two leaves the other waiting
    CausalBuffer other = new CausalBuffer();
    MessageId never = new MessageId(c, 9);
    ChatMessage x = msg(A, 1, 5, never);
    ChatMessage y = msg(B, 1, 6, never, a1.id());
    other.hold(x, false, other.missingFor(x));
    assertThat(other.stopWaitingFor(never::equals)).extracting(h -> h.message).containsExactly(x);
    assertThat(other.waitedOnCount()).isZero();
    CausalBuffer third = new CausalBuffer();
    third.hold(x, false, third.missingFor(x));
    third.hold(y, false, third.missingFor(y));
    assertThat(third.stopWaitingFor(never::equals)).hasSize(1);
    assertThat(third.waitedOnCount()).as("a1, for y").isEqualTo(1);
    assertThat(third.markDelivered(a1, completed))
        .extracting(CausalBuffer.Ready::message)
        .containsExactly(y);
    assertThat(third.waitedOnCount()).isZero();
  }

  @Test
  void theFrontierKeepsConcurrentTipsAndAtMostMaxOfThemNewestLast() {
    ChatMessage a1 = msg(A, 1, 1);
    ChatMessage b1 = msg(B, 1, 1);
    deliver(a1, new ArrayList<>());
    deliver(b1, new ArrayList<>());
    assertThat(buffer.frontier(8)).containsExactly(a1.id(), b1.id());
    assertThat(buffer.frontier(1)).containsExactly(b1.id());
  }

  @Test
  void aMessageShownIncompleteIsReportedCompleteWhenItsDepArrivesAndNotShownTwice() {
    ChatMessage a1 = msg(A, 1, 1);
    ChatMessage b1 = msg(B, 1, 2, a1.id());
    ChatMessage b2 = msg(B, 2, 3, b1.id());
    CausalBuffer.Held h = buffer.hold(b1, false, buffer.missingFor(b1));
    buffer.hold(b2, false, buffer.missingFor(b2));

    buffer.markShownIncomplete(h);
    List<MessageId> completed = new ArrayList<>();
    // b1 counts as delivered now: b2 moves on
    assertThat(buffer.markDelivered(b1, completed))
        .extracting(CausalBuffer.Ready::message)
        .containsExactly(b2);
    assertThat(buffer.oldest()).isNull(); // only the incomplete one is left, waiting for a1
    assertThat(buffer.isDelivered(b1.id())).isTrue();

    assertThat(deliver(a1, completed)).containsExactly(a1); // b1 is not shown again
    assertThat(completed).containsExactly(b1.id());
    assertThat(buffer.heldCount()).isZero();
  }

  @Test
  void aDependencyThatArrivesAfterItsDependentWasShownIsNotANewTip() {
    ChatMessage a1 = msg(A, 1, 1);
    ChatMessage b1 = msg(B, 1, 2, a1.id());
    CausalBuffer.Held h = buffer.hold(b1, false, buffer.missingFor(b1));
    buffer.markShownIncomplete(h);
    buffer.markDelivered(b1, new ArrayList<>());
    deliver(a1, new ArrayList<>());

    // b1 already names a1: the next message needs only b1
    assertThat(buffer.frontier(8)).containsExactly(b1.id());
  }

  @Test
  void aRestartCountsEverythingStoredAsDelivered() {
    SeqSet held = new SeqSet();
    held.addRange(1, 3);
    buffer.restore(Map.of(A, held), List.of(new MessageId(A, 3)));
    assertThat(buffer.missingFor(msg(A, 4, 9))).isEmpty();
    assertThat(buffer.missingFor(msg(B, 1, 9, new MessageId(A, 5))))
        .isEqualTo(Set.of(new MessageId(A, 5)));
    assertThat(buffer.frontier(8)).containsExactly(new MessageId(A, 3));
  }

  @Test
  void aMessageThatWaitsAgainBecomesTheNewestPendingAndKeepsItsCounts() {
    MessageId gone = new MessageId(B, 9);
    CausalBuffer.Held first = buffer.hold(msg(A, 1, 10, gone), true, Set.of(gone), B, false, 0);
    CausalBuffer.Held second =
        buffer.hold(msg(A, 2, 11), true, Set.of(new MessageId(A, 1)), B, false, 1);
    CausalBuffer.Held third = buffer.hold(msg(B, 10, 12, gone), true, Set.of(gone), B, false, 2);

    buffer.waitAgain(first, 5_000);
    assertThat(buffer.oldest()).isSameAs(second); // the timeouts stay in order: 1, 2, then 5,000
    assertThat(first.heldAt).isEqualTo(5_000);
    assertThat(first.waitedAgain).isEqualTo(1);
    buffer.waitAgain(third, 5_001); // the newest already: stays there
    buffer.waitAgain(second, 5_002);
    assertThat(buffer.oldest()).isSameAs(first);
    assertThat(buffer.pendingCount()).isEqualTo(3);
    assertThat(buffer.pendingVia(B)).isEqualTo(3);
    assertThat(buffer.pendingBy(A)).isEqualTo(2);

    // released as usual: the list holds what is still pending, oldest timeout first
    assertThat(deliver(msg(B, 9, 5), new ArrayList<>())).hasSize(4);
    assertThat(buffer.oldest()).isNull();
    assertThat(buffer.pendingCount()).isZero();
  }
}
