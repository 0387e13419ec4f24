package meshchat.peer.room;

import static meshchat.peer.room.TestChainSigner.chainHash;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Mesh.Peer;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.peer.sync.SeqRange;
import org.junit.jupiter.api.Test;

/**
 * An answer too big for one frame goes out in slices of time, not one origin after another. Cut by
 * want, its first frames carried one author's messages, each waiting at the receiver for the other
 * authors' earlier ones in later frames; a catch-up of long lines held back more than a link's
 * budget, the budget refused the rest, and the receiver asked again and again (session 21: 5,000
 * lines of 1,000 bytes had not arrived after two minutes on real sockets).
 */
class SyncSlicesTest {
  private static final String[] AUTHORS = {"alice", "bob", "carol", "dave"};

  @Test
  void aCatchUpWhoseAnswersSpanSeveralFramesHoldsLittleBackAndGetsEachMessageOnce() {
    // frames of ~8 KiB: each answer of up to 512 lines of ~200 characters takes about a dozen
    RoomConfig config = RoomConfig.defaults().with(d -> d.batchMaxBytes = 8 * 1024);
    Mesh mesh = new Mesh(config, true, "alice", "bob", "carol", "dave", "erin");
    for (int i = 0; i < AUTHORS.length; i++) {
      for (int j = i + 1; j < AUTHORS.length; j++) {
        mesh.link(AUTHORS[i], AUTHORS[j]);
      }
    }
    mesh.run(10);
    int total = 400;
    String filler = "x".repeat(200);
    mesh.takeTurns(AUTHORS, total, filler); // each line answers the one before: a conversation
    Peer erin = mesh.peer("erin");
    mesh.link("erin", "alice");
    int mostHeld = 0;
    for (int round = 0; round < 50 && erin.history().size() < total; round++) {
      while (mesh.deliverNext()) {
        mostHeld = Math.max(mostHeld, erin.room.heldBackCount());
      }
      mesh.run(20);
    }

    assertThat(erin.history()).hasSize(total);
    List<SyncBatch> batches = mesh.sentOf(SyncBatch.class, mesh.to("erin"));
    assertThat(batches.size())
        .as("answers spanned several frames")
        .isGreaterThan(mesh.sentOf(SyncRequest.class, mesh.from("erin")).size());
    Set<MessageId> seen = new HashSet<>();
    int carried = 0;
    for (SyncBatch b : batches) {
      for (ChatMessage m : b.messages()) {
        seen.add(m.id());
        carried++;
      }
    }
    assertThat(carried).as("no message carried twice").isEqualTo(seen.size()).isEqualTo(total);
    // cut by want, a frame of one author's lines waited for the others' (dozens held at once)
    assertThat(mostHeld).as("most messages held back at once").isLessThanOrEqualTo(2);
  }

  /**
   * Long lines, each author's 64 under one signed head (a store filled as the real-socket bench
   * fills it: no other heads), and answers of 2,048 in frames of 768 KiB: a frame's slice of time
   * ends inside bursts, and each run must reach its head, so a frame cannot hold all of its slice.
   * What a frame leaves out must lead the next one; cut up front into fixed slices, the runs left
   * out were never sent, the authors' later lines waited for them, the receiver's budget refused
   * them and asked again, and each answer left out the same run (session 21: 5,000 lines of 1,000
   * bytes crossed the wire 31 times over, in 21 s, or stalled).
   */
  @Test
  void longLinesUnderSparseHeadsArriveOnceWithoutStalling() {
    // the runtime's budgets (PeerConfig): 2,048 messages a request, 768 KiB of them a frame
    RoomConfig config =
        RoomConfig.defaults()
            .with(
                d -> {
                  d.syncMaxMessages = 2_048;
                  d.batchMaxBytes = 768 * 1024;
                });
    Mesh mesh = new Mesh(config, true, "alice", "bob", "carol", "dave", "olga", "erin");
    for (int i = 0; i < AUTHORS.length; i++) {
      for (int j = i + 1; j < AUTHORS.length; j++) {
        mesh.link(AUTHORS[i], AUTHORS[j]);
      }
      mesh.link(AUTHORS[i], "olga");
    }
    mesh.run(10);
    int perAuthor = 1_280;
    int total = perAuthor * AUTHORS.length;
    String filler = "y".repeat(1_000);
    mesh.takeTurns(AUTHORS, total, filler);
    // olga's store as the bench fills it: every message, and only each author's head over every
    // 64th of its messages and over its last (the heads it kept of the live stream were denser)
    Peer olga = mesh.peer("olga");
    InMemoryMessageStore sparse = new InMemoryMessageStore();
    for (String name : AUTHORS) {
      PeerId author = mesh.peer(name).id;
      List<ChatMessage> lines = olga.store.range(author, new SeqRange(1, perAuthor), perAuthor);
      assertThat(lines).hasSize(perAuthor);
      for (ChatMessage m : lines) {
        sparse.append(m);
        if (m.seq() % 64 == 0 || m.seq() == perAuthor) {
          sparse.putHead(new TestChainSigner().signHead(author, m.seq(), chainHash(m)));
        }
      }
    }
    olga.restartOn(sparse);
    Peer erin = mesh.peer("erin");
    mesh.link("erin", "olga");
    for (int rounds = 0; rounds < 50 && erin.history().size() < total; rounds++) {
      mesh.pump();
      mesh.run(20);
    }

    assertThat(erin.history()).hasSize(total);
    int carried = 0;
    for (SyncBatch b : mesh.sentOf(SyncBatch.class, mesh.to("erin"))) {
      carried += b.messages().size();
    }
    // pipelined requests may overlap where a run was extended up to its head; not more
    assertThat(carried).as("messages carried to erin").isLessThanOrEqualTo(total + total / 10);
    assertThat(erin.room.counters().get(Counter.HOLD_BACK_BUDGET))
        .as("held-back messages refused for want of budget")
        .isZero();
  }

  /**
   * A Graft reply goes the same way as a sync answer. It asks for one line in every 64 of each
   * author, long lines whose heads lie 63 lines above them: each run reaches its head, 64 KB, and
   * the reply needs several frames. Cut in fixed chunks (until session 22), a chunk's runs past the
   * first frame's bound were dropped, never sent, and the asker waited for anti-entropy. Since
   * session 29 a graft reply, like a sync answer, is at most {@link AntiEntropy#ANSWER_FRAMES}
   * frames (rev29 F8): here 32 runs of 64 lines, 2 MB, take three.
   */
  @Test
  void aGraftReplyCarriesWhatAFullFrameLeftOut() {
    GraftReply r = graftReply(8);
    assertThat(r.frames).as("the reply took several frames").isGreaterThan(1);
    assertThat(r.replied).as("every line asked for was sent").containsAll(r.asked);
    assertThat(r.carried)
        .as("each line once")
        .isEqualTo(r.replied.size())
        .isEqualTo(r.asked.size() * 64);
  }

  /**
   * A graft reply of 80 such runs (5 MB) stops at {@link AntiEntropy#ANSWER_FRAMES} frames, as a
   * sync answer does: whole runs, each line once; the rest comes by anti-entropy (rev29 F8: 256 ids
   * of 64 KiB lines, each extended up to its head, were sent whole at every graft).
   */
  @Test
  void aGraftReplyTooBigForFourFramesStopsThereWithWholeRuns() {
    GraftReply r = graftReply(20);
    assertThat(r.frames).isGreaterThan(1).isLessThanOrEqualTo(AntiEntropy.ANSWER_FRAMES);
    assertThat(r.carried).as("each line once").isEqualTo(r.replied.size());
    assertThat(r.replied.size()).as("whole runs").isPositive().isEqualTo(r.runsSent() * 64);
    assertThat(r.replied.size()).as("cut short").isLessThan(r.asked.size() * 64);
    // the asked lines all fit the first frame, and their runs up to the heads take the frames
    // from there, origin by origin (ChainedChunk): the first asked line is among those sent
    assertThat(r.replied).contains(r.asked.get(0));
  }

  private record GraftReply(
      List<MessageId> asked, Set<MessageId> replied, int carried, int frames) {
    long runsSent() {
      return asked.stream().filter(replied::contains).count();
    }
  }

  private GraftReply graftReply(int runsPerAuthor) {
    Mesh mesh =
        new Mesh(RoomConfig.defaults(), true, "alice", "bob", "carol", "dave", "olga", "erin");
    for (String name : AUTHORS) {
      mesh.link(name, "olga");
    }
    mesh.run(10);
    int perAuthor = 1_280;
    String filler = "z".repeat(1_000);
    mesh.takeTurns(AUTHORS, perAuthor * AUTHORS.length, filler);
    Peer olga = mesh.peer("olga");
    InMemoryMessageStore sparse = new InMemoryMessageStore();
    List<MessageId> asked = new java.util.ArrayList<>();
    for (String name : AUTHORS) {
      PeerId author = mesh.peer(name).id;
      for (ChatMessage m : olga.store.range(author, new SeqRange(1, perAuthor), perAuthor)) {
        sparse.append(m);
        if (m.seq() % 64 == 0) {
          sparse.putHead(new TestChainSigner().signHead(author, m.seq(), chainHash(m)));
        }
        if (m.seq() % 64 == 1 && m.seq() < 64L * runsPerAuthor) {
          asked.add(m.id());
        }
      }
    }
    olga.restartOn(sparse);
    mesh.link("erin", "olga");
    mesh.inject("erin", "olga", new meshchat.peer.message.LinkMessage.Graft(asked));
    mesh.pump();

    Set<MessageId> replied = new HashSet<>();
    int carried = 0;
    int frames = 0;
    for (SyncBatch b : mesh.sentOf(SyncBatch.class, mesh.to("erin"))) {
      if (b.requestId() == Room.GRAFT_REPLY) {
        frames++;
        for (ChatMessage m : b.messages()) {
          replied.add(m.id());
          carried++;
        }
      }
    }
    return new GraftReply(asked, replied, carried, frames);
  }
}
