package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.room.Mesh.Peer;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

/**
 * A catch-up round ends with one "caught up N" once nothing is in flight and no link names more
 * that we lack, and ends anyway when what it waited for cannot come: the screen shows a late
 * joiner's catch-up as one block with one honest count, and never keeps its lines off the screen.
 */
class RoundEndTest {
  private static final int HISTORY = 30;

  /**
   * A mesh of {@code names}, unlinked, in which bob has said the history's lines, each + filler.
   */
  private static Mesh bobSaidTheHistory(RoomConfig config, String filler, String... names) {
    Mesh mesh = new Mesh(config, true, names);
    said(mesh.peer("bob"), HISTORY, filler);
    mesh.pump();
    return mesh;
  }

  private static void said(Peer p, int lines, String filler) {
    for (int i = 0; i < lines; i++) {
      p.send("m" + i + filler);
    }
  }

  private static List<RoomNotice.CaughtUp> caughtUp(Peer p, int from) {
    List<RoomNotice.CaughtUp> all = p.notices(RoomNotice.CaughtUp.class);
    return all.subList(from, all.size());
  }

  @Test
  void anAnswerCutByTheBudgetWhileTheDigestNamesMoreDoesNotEndTheRound() {
    RoomConfig config = RoomConfig.defaults().with(c -> c.syncFirstMessages = 256);
    Mesh mesh = bobSaidTheHistory(config, "", "ann", "bob");
    Peer ann = mesh.peer("ann");
    // ann's source is answered the history once, and once more after a lost link (given back);
    // a third young link finds that budget spent: bob answers one message a period (the once
    // part's refill) until the link has been up a whole period and the asks again open
    for (int i = 0; i < 2; i++) {
      mesh.link("ann", "bob").run(100);
      ann.restartOn(new InMemoryMessageStore());
    }
    int before = ann.notices(RoomNotice.CaughtUp.class).size();
    mesh.link("ann", "bob").run(4 * config.syncIntervalMs());

    assertThat(ann.history()).hasSize(HISTORY);
    // until session 33: [CaughtUp(1), CaughtUp(29)], the first round declared over while bob's
    // digest still named the 29 its answer had left out
    assertThat(caughtUp(ann, before)).containsExactly(new RoomNotice.CaughtUp(HISTORY));
  }

  @Test
  void aRoundWhoseLinkWentDownMidAnswerEndsWithWhatItBrought() {
    // frames of ~1 KiB: the answer is several batches, the last one done
    RoomConfig config = RoomConfig.defaults().with(c -> c.batchMaxBytes = 1_024);
    Mesh mesh = bobSaidTheHistory(config, " " + "x".repeat(300), "ann", "bob");
    Peer ann = mesh.peer("ann");
    mesh.link("ann", "bob");
    while (ann.shown().isEmpty()) {
      assertThat(mesh.deliverNext()).isTrue();
    }
    int shown = ann.shown().size();
    assertThat(shown).isLessThan(HISTORY);
    mesh.unlink("ann", "bob"); // bob is gone, the rest of its answer with it
    mesh.run(3 * config.syncIntervalMs());

    assertThat(ann.shown()).hasSize(shown);
    // until session 33 none: the lines stayed held off the screen until someone spoke
    assertThat(ann.notices(RoomNotice.CaughtUp.class))
        .containsExactly(new RoomNotice.CaughtUp(shown));
  }

  @Test
  void aPeerThatNamesWhatItNeverSendsHoldsTheRoundTwoPeriodsAtMost() {
    RoomConfig config = RoomConfig.defaults();
    Mesh mesh = bobSaidTheHistory(config, "", "ann", "bob", "liar");
    Peer ann = mesh.peer("ann");
    // the liar's digest claims 1,000 of bob's lines; it holds none, and answers nothing of them
    mesh.link("ann", "liar").run(100);
    SeqSet claimed = new SeqSet();
    claimed.addRange(1, 1_000);
    mesh.inject(
        "liar",
        "ann",
        new Digest(List.of(new DigestEntry(mesh.peer("bob").id, claimed, 0, null)), false));
    mesh.pump();
    mesh.link("ann", "bob");
    long allAt = -1;
    long caughtAt = -1;
    for (int t = 0; t < 1_000 && caughtAt < 0; t++) {
      mesh.run(100);
      if (allAt < 0 && ann.history().size() == HISTORY) {
        allAt = mesh.time.now();
      }
      if (!ann.notices(RoomNotice.CaughtUp.class).isEmpty()) {
        caughtAt = mesh.time.now();
      }
    }
    assertThat(ann.history()).hasSize(HISTORY);
    assertThat(ann.notices(RoomNotice.CaughtUp.class))
        .containsExactly(new RoomNotice.CaughtUp(HISTORY));
    assertThat(allAt).isPositive();
    assertThat(caughtAt - allAt)
        .isLessThanOrEqualTo(AntiEntropy.ROUND_HOLD_PERIODS * config.syncIntervalMs() + 200);
  }
}
