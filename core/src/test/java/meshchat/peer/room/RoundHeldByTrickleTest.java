package meshchat.peer.room;

import static meshchat.peer.room.Mesh.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.LinkMessage.Want;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Mesh.Peer;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

/**
 * rev34 FINDING-6. {@code AntiEntropy.roundMaybeOver} returned at once while any link had a request
 * in flight, before its "liveness wins" hold of {@link AntiEntropy#ROUND_HOLD_PERIODS} periods was
 * looked at. A link whose digest names a long history it trickles out (each request answered just
 * before its timeout with one new line: useful, so it is asked again at once) always had a request
 * in flight, so the round never ended: no {@code CaughtUp}, and the chat (ChatView/Scrollback) kept
 * the late joiner's whole catch-up from an honest peer off the screen until someone spoke live.
 * Requests in flight now hold the round only while it keeps pace (an answer's worth every two
 * periods) and for {@link AntiEntropy#ROUND_MAX_PERIODS} at most; an honest catch-up answered in
 * full stays one round however long it takes.
 */
class RoundHeldByTrickleTest {
  private static final int HISTORY = 30;
  private static final PeerId X = PeerId.fromHex("0bad");

  /** The mesh after ann caught up bob's history, h's answers and what they brought. */
  private record Run(Peer ann, long allAt, long lastAt, long caughtAt, long sent) {}

  /**
   * bob holds the history; h (its frames handed to ann's room by the test) links ann with a
   * complete digest naming {@code named} lines of x; ann links bob; h answers each of ann's
   * requests {@code answerAfterMs} after it was sent with {@code answer} of it, for at most {@code
   * ms} or until {@code stop} caught-up notices came.
   */
  private static Run run(
      RoomConfig config,
      long named,
      long answerAfterMs,
      Function<SyncRequest, List<ChatMessage>> answer,
      long ms,
      int stop) {
    Mesh mesh = new Mesh(config, "bob", "ann", "h");
    Peer ann = mesh.peer("ann");
    Peer bob = mesh.peer("bob");
    Peer h = mesh.peer("h");
    for (int i = 0; i < HISTORY; i++) {
      bob.send("m" + i);
    }
    mesh.pump();
    ann.room.linkUp(h.address(), 0);
    SeqSet claimed = new SeqSet();
    claimed.addRange(1, named);
    ann.room.receive(h.id, new Digest(List.of(new DigestEntry(X, claimed)), true));
    ann.commitNow();
    mesh.pump();
    mesh.link("ann", "bob");

    long allAt = -1;
    long lastAt = -1;
    long caughtAt = -1;
    long sent = 0;
    int scanned = 0;
    Map<Long, SyncRequest> asked = new HashMap<>();
    Map<Long, Long> askedAt = new HashMap<>();
    for (long t = 0; t < ms && ann.notices(RoomNotice.CaughtUp.class).size() < stop; t += 100) {
      mesh.run(100);
      if (allAt < 0 && ann.shown().size() >= HISTORY) {
        allAt = mesh.time.now();
      }
      if (caughtAt < 0 && !ann.notices(RoomNotice.CaughtUp.class).isEmpty()) {
        caughtAt = mesh.time.now();
      }
      for (int i = scanned; i < mesh.sent.size(); i++) {
        Mesh.Envelope e = mesh.sent.get(i);
        if (e.from().equals(ann.id)
            && e.to().equals(h.id)
            && e.message() instanceof SyncRequest r) {
          asked.put(r.requestId(), r);
          askedAt.put(r.requestId(), mesh.time.now());
        }
      }
      scanned = mesh.sent.size();
      for (Map.Entry<Long, Long> q : List.copyOf(askedAt.entrySet())) {
        if (mesh.time.now() - q.getValue() >= answerAfterMs) {
          askedAt.remove(q.getKey());
          List<ChatMessage> lines = answer.apply(asked.remove(q.getKey()));
          sent += lines.size();
          lastAt = mesh.time.now();
          ann.room.receive(h.id, new SyncBatch(q.getKey(), lines, true, List.of()));
          ann.commitNow();
        }
      }
    }
    return new Run(ann, allAt, lastAt, caughtAt, sent);
  }

  /** Lines of x for all {@code r} wants, at most its {@code maxMessages}. */
  private static List<ChatMessage> inFull(SyncRequest r) {
    List<ChatMessage> lines = new ArrayList<>();
    for (Want w : r.wants()) {
      for (long s = w.range().first(); s <= w.range().last(); s++) {
        if (lines.size() == r.maxMessages()) {
          return lines;
        }
        lines.add(chat(w.origin(), s, 1_000 + s));
      }
    }
    return lines;
  }

  @Test
  void aLinkThatTricklesWhatItNamesDoesNotHoldTheRoundPastTwoPeriods() {
    long[] next = {0};
    Run r =
        run(
            RoomConfig.defaults(),
            100_000,
            9_000,
            q -> List.of(chat(X, ++next[0], 1_000 + next[0])),
            60_000,
            1);
    assertThat(r.allAt()).as("bob's history reached ann").isPositive();
    assertThat(r.ann().notices(RoomNotice.CaughtUp.class))
        .as("the round's end, 60 s after bob's %d lines came (h trickled %d)", HISTORY, r.sent())
        .isNotEmpty();
  }

  @Test
  void anHonestCatchUpAnsweredInFullStaysOneRoundThoughItTakesLongerThanTwoPeriods() {
    // small requests answered in full 3 s after each was sent: 64 lines every 3 s, always a
    // request in flight, for a catch-up of 30 s (six periods)
    RoomConfig config = RoomConfig.defaults().with(c -> c.syncMaxMessages = 16);
    int named = 640;
    Run r = run(config, named, 3_000, RoundHeldByTrickleTest::inFull, 120_000, 2);
    assertThat(r.lastAt() - r.allAt())
        .as("the catch-up from h went on past two periods")
        .isGreaterThan(4 * config.syncIntervalMs());
    assertThat(r.ann().notices(RoomNotice.CaughtUp.class))
        .as("h sent %d", r.sent())
        .containsExactly(new RoomNotice.CaughtUp(HISTORY + named));
  }

  @Test
  void aLinkThatStreamsWhatItNamesAtFullPaceHoldsTheRoundTwoMinutesAtMost() {
    // h answers in full, at pace, a history it never runs out of: the round ends at its longest
    RoomConfig config = RoomConfig.defaults().with(c -> c.syncMaxMessages = 16);
    long longest = AntiEntropy.ROUND_MAX_PERIODS * config.syncIntervalMs();
    Run r = run(config, 1_000_000, 3_000, RoundHeldByTrickleTest::inFull, longest + 20_000, 1);
    assertThat(r.allAt()).as("bob's history reached ann").isPositive();
    assertThat(r.ann().notices(RoomNotice.CaughtUp.class))
        .as("the round's end, %d ms after bob's lines came (h sent %d)", longest, r.sent())
        .hasSize(1);
    assertThat(r.caughtAt() - r.allAt())
        .as("h kept pace: the round waited for it")
        .isGreaterThan(longest - 2 * config.syncIntervalMs());
    assertThat(r.sent()).as("h was still streaming").isGreaterThan(2_000);
  }

  /**
   * The round's pace counts an answer's worth in bytes (four frames), and until session 37 counted
   * a line's text in chars: an honest catch-up of lines of 3-byte characters, each answer cut at
   * its bytes, was counted a third of its bytes, did not keep pace, and the round ended mid
   * catch-up (two CaughtUp notices for one catch-up).
   */
  @Test
  void anHonestCatchUpOfThreeByteTextCutByBytesKeepsPace() {
    RoomConfig config = RoomConfig.defaults().with(c -> c.batchMaxBytes = 16 * 1024);
    String text = "\u20ac".repeat(1_000); // 3,000 bytes
    int perAnswer = 22; // 66,000 bytes a request, answered every 6 s
    int named = 10 * perAnswer;
    Run r =
        run(
            config,
            named,
            6_000,
            q -> {
              List<ChatMessage> lines = new ArrayList<>();
              for (Want w : q.wants()) {
                for (long s = w.range().first(); s <= w.range().last(); s++) {
                  if (lines.size() == perAnswer) {
                    return lines;
                  }
                  lines.add(
                      new ChatMessage(
                          new MessageId(w.origin(), s), 1_000 + s, 1_000, "x", text, List.of()));
                }
              }
              return lines;
            },
            120_000,
            2);
    assertThat(r.ann().notices(RoomNotice.CaughtUp.class))
        .as("h sent %d", r.sent())
        .containsExactly(new RoomNotice.CaughtUp(HISTORY + named));
  }
}
