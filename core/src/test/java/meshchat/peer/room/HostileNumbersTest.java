package meshchat.peer.room;

import static meshchat.peer.room.Mesh.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.clock.ClockBound;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

/**
 * The frames that killed a room before its numbers were bounded: each now costs the sender at most
 * its message, the room keeps its clock in reach of honest use, and it goes on sending and
 * delivering. Mallory ("m") is a linked peer sending what it likes; the core trusts no number it
 * sends.
 */
class HostileNumbersTest {
  private final Mesh mesh = new Mesh(RoomConfig.defaults(), "a", "b", "m").fullMesh();
  private final Mesh.Peer a = mesh.peer("a");

  private PeerId mallory() {
    return mesh.peer("m").id;
  }

  /** The room is alive: b's next message reaches a and a's own send works. */
  private void roomStillWorks() {
    ChatMessage fromB = mesh.peer("b").send("still here?");
    ChatMessage own = a.send("yes");
    mesh.pump();
    assertThat(a.shownIds()).contains(fromB.id(), own.id());
    assertThat(a.room.lamport()).isLessThan(ClockBound.BURST * 2);
  }

  @Test
  void aChatStampedAtTheWireBoundIsRefusedAndTheClockStaysPut() {
    long before = a.room.lamport();
    mesh.inject("m", "a", new Chat(chat(mallory(), 1, WireBounds.MAX_LAMPORT)));
    mesh.pump();
    assertThat(a.room.lamport()).isEqualTo(before);
    assertThat(a.room.counters().get(Counter.CLOCK_JUMP_REFUSED)).isEqualTo(1);
    assertThat(a.history()).isEmpty();
    roomStillWorks();
  }

  @Test
  void aHelloStampedAtTheWireBoundMovesTheClockOnlyAsFarAsTheBound() {
    mesh.unlink("a", "m");
    a.room.linkUp(mesh.peer("m").address(), WireBounds.MAX_LAMPORT);
    assertThat(a.room.lamport()).isLessThanOrEqualTo(ClockBound.BURST);
    assertThat(a.room.counters().get(Counter.HELLO_CLOCK_CLAMPED)).isEqualTo(1);
    a.room.linkUp(mesh.peer("m").address(), WireBounds.MAX_LAMPORT); // the bucket is empty now
    assertThat(a.room.lamport()).isLessThanOrEqualTo(ClockBound.BURST);
    roomStillWorks();
  }

  @Test
  void anHonestPeerFarAheadAfterAPartitionIsTakenAndTheBucketRefillsForTheNext() {
    long ahead = a.room.lamport() + ClockBound.BURST - 10; // billions of events on the other side
    mesh.inject("m", "a", new Chat(chat(mallory(), 1, ahead)));
    mesh.pump();
    assertThat(a.history()).hasSize(1);
    // a second jump as big at once is refused, and taken once the bucket has refilled
    ChatMessage further = chat(mallory(), 2, ahead + ClockBound.BURST / 2, a.history().get(0));
    mesh.inject("m", "a", new Chat(further));
    mesh.pump();
    assertThat(a.room.counters().get(Counter.CLOCK_JUMP_REFUSED)).isEqualTo(1);
    mesh.time.advance(ClockBound.BURST / ClockBound.RATE_PER_SECOND * 1000);
    mesh.inject("m", "a", new Chat(further));
    mesh.pump();
    assertThat(a.history()).hasSize(2);
    assertThat(a.room.lamport()).isGreaterThan(further.lamport());
  }

  @Test
  void aReplyStampedBelowWhatItAnswersIsRefused() {
    ChatMessage question = mesh.peer("b").send("question?");
    mesh.pump();
    ChatMessage backdated = chat(mallory(), 1, question.lamport(), question.id());
    mesh.inject("m", "a", new Chat(backdated));
    mesh.pump();
    assertThat(a.room.counters().get(Counter.BACKDATED)).isEqualTo(1);
    assertThat(a.history()).doesNotContain(backdated.id());
    ChatMessage honest = chat(mallory(), 1, question.lamport() + 1, question.id());
    mesh.inject("m", "a", new Chat(honest));
    mesh.pump();
    assertThat(a.shownIds()).contains(honest.id());
  }

  @Test
  void aReplyThatArrivesBeforeTheOlderStampedQuestionIsNeverShown() {
    PeerId carol = PeerId.fromHex("cc");
    ChatMessage question = chat(carol, 1, 50);
    ChatMessage backdated = chat(mallory(), 1, 20, question.id());
    mesh.inject("m", "a", new Chat(backdated));
    mesh.inject("m", "a", new Chat(question));
    mesh.pump();
    assertThat(a.shownIds()).contains(question.id()).doesNotContain(backdated.id());
    assertThat(a.room.counters().get(Counter.BACKDATED)).isEqualTo(1);
  }

  /**
   * A held message's release reads no dependency again: each one it waited for is checked as it
   * arrives. A time equal to its own, on the last of two deps or on its author's previous line, is
   * as backdated as a smaller one; the older ones release it.
   */
  @Test
  void aHeldReplyIsCheckedAgainstEachDependencyAsItArrives() {
    PeerId carol = PeerId.fromHex("cc");
    PeerId dave = PeerId.fromHex("dd");
    ChatMessage older = chat(carol, 1, 10);
    ChatMessage same = chat(dave, 1, 30);
    ChatMessage reply = chat(mallory(), 1, 30, older.id(), same.id()); // same time as one dep
    ChatMessage fine = chat(dave, 2, 70, same.id(), older.id());
    mesh.inject("m", "a", new Chat(reply));
    mesh.inject("m", "a", new Chat(fine));
    mesh.inject("m", "a", new Chat(older));
    mesh.inject("m", "a", new Chat(same));
    mesh.pump();
    assertThat(a.shownIds()).contains(older.id(), same.id(), fine.id()).doesNotContain(reply.id());
    assertThat(a.room.counters().get(Counter.BACKDATED)).isEqualTo(1);
    // the author's previous line arriving after, with a time above: seq 3 waits for seq 2
    ChatMessage previous = chat(carol, 2, 55, older.id());
    ChatMessage late = chat(carol, 3, 50, previous.id());
    mesh.inject("m", "a", new Chat(late));
    mesh.inject("m", "a", new Chat(previous));
    mesh.pump();
    assertThat(a.shownIds()).contains(previous.id()).doesNotContain(late.id());
    assertThat(a.room.counters().get(Counter.BACKDATED)).isEqualTo(2);
  }

  @Test
  void aMessageAtTheLargestSeqSurvivesTheNextDigestExchange() {
    ChatMessage top = chat(mallory(), WireBounds.MAX_SEQ, 5);
    mesh.inject("m", "a", new Chat(top));
    mesh.pump();
    mesh.run(3 * RoomConfig.defaults().syncIntervalMs()); // digests both ways, requests, batches
    roomStillWorks();
  }

  @Test
  void aDigestWhoseCountsWouldOverflowAsksForAtMostOneRequestsWorth() {
    List<DigestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      PeerId o = PeerId.of(new byte[] {9, (byte) (i >> 8), (byte) i});
      entries.add(
          new DigestEntry(
              o,
              SeqSet.of(
                  WireBounds.MAX_SEQ / 2,
                  List.of(new SeqRange(WireBounds.MAX_SEQ / 2 + 2, WireBounds.MAX_SEQ)))));
    }
    int before = mesh.sentOf(SyncRequest.class, mesh.from("a")).size();
    mesh.inject("m", "a", new Digest(entries, true));
    mesh.pump();
    List<SyncRequest> asked = mesh.sentOf(SyncRequest.class, mesh.from("a").and(mesh.to("m")));
    assertThat(asked.size()).isGreaterThan(before);
    for (SyncRequest r : asked) {
      assertThat(r.wants()).hasSizeLessThanOrEqualTo(AntiEntropy.MAX_WANTS);
      long total = r.wants().stream().mapToLong(w -> w.range().size()).sum();
      assertThat(total).isLessThanOrEqualTo(RoomConfig.defaults().syncMaxMessages());
    }
    roomStillWorks();
  }

  /** A store that throws on one text: a stand-in for any bug a frame can reach. */
  private static MessageStore failingOn(String text) {
    InMemoryMessageStore real = new InMemoryMessageStore();
    return (MessageStore)
        Proxy.newProxyInstance(
            MessageStore.class.getClassLoader(),
            new Class<?>[] {MessageStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("append")
                  && args[0] instanceof ChatMessage m
                  && m.text().equals(text)) {
                throw new IllegalStateException("a bug somewhere below the room");
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void anExceptionWhileHandlingAFrameClosesThatLinkAndTheRoomGoesOn() {
    Mesh m2 = new Mesh(RoomConfig.defaults(), "a", "b", "m");
    Mesh.Peer victim = m2.peer("a");
    victim.room =
        new Room(
            RoomConfig.defaults(),
            victim.id,
            "a",
            failingOn("boom"),
            victim,
            m2.scheduler,
            m2.wallClock,
            new SplittableRandom(1),
            new Counters(),
            MessageSigner.NONE);
    victim.room.start();
    m2.fullMesh();
    PeerId mal = m2.peer("m").id;
    m2.inject(
        "m", "a", new Chat(new ChatMessage(new MessageId(mal, 1), 1, 0, "m", "boom", List.of())));
    m2.pump();
    assertThat(victim.closes).hasSize(1);
    assertThat(victim.closes.get(0).reason()).isEqualTo(CloseReason.PROTOCOL_ERROR);
    // the peer learns which frame, never our exception's text; the user's notice keeps it
    assertThat(victim.closes.get(0).message()).isEqualTo("could not handle Chat (internal error)");
    assertThat(victim.notices(RoomNotice.BadInput.class))
        .singleElement()
        .satisfies(
            b ->
                assertThat(b.reason())
                    .contains("Chat", "IllegalStateException", "a bug somewhere below the room"));
    assertThat(victim.room.counters().get(Counter.INTERNAL_ERROR)).isEqualTo(1);
    ChatMessage fromB = m2.peer("b").send("after the bug");
    m2.pump();
    assertThat(victim.shownIds()).contains(fromB.id());
  }

  @Test
  void everyRefusalIsCountedByItsReason() {
    mesh.inject("m", "a", new Chat(chat(mallory(), 1, WireBounds.MAX_LAMPORT)));
    mesh.pump();
    assertThat(a.room.counters().toString()).contains("clock_jump_refused=1");
    assertThat(LinkMessage.class).isNotNull();
  }
}
