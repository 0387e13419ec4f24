package meshchat.peer.room;

import static meshchat.peer.room.TestChainSigner.chainHash;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.LinkMessage.Want;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Mesh.Peer;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.peer.sync.SeqRange;
import org.junit.jupiter.api.Test;

/**
 * A run of one author's messages too long for any frame once extended up to the head above it is
 * cut at a head inside it, not dropped. Dropped whole, the answer to a gap of that size was an
 * empty batch, at every ask: a throughput run of five peers at load 15 (session 32) left one peer
 * 1,156 lines of one author short for minutes, its four neighbours each answering its periodic ask
 * for exactly those lines with nothing (the hold-back budget had refused them live: 1,156 lines of
 * 100 bytes with four deps each, 768 KiB, and the 255 up to the head above took the run past the
 * 896 KiB a frame may carry). Seen also in session 31 (1,187 lines) and session 23 (5,187).
 */
class LongRunAnswerTest {
  private static final String[] AUTHORS = {"alice", "bob", "carol", "dave"};

  // the runtime's budgets (PeerConfig): 2,048 messages a request, 768 KiB of them a frame
  private static final RoomConfig CONFIG =
      RoomConfig.defaults()
          .with(
              d -> {
                d.syncMaxMessages = 2_048;
                d.batchMaxBytes = 768 * 1024;
              });

  @Test
  void aGapWhoseRunPassesAFrameWithItsExtensionIsAnsweredInPartsCutAtHeads() {
    Mesh mesh = new Mesh(CONFIG, true, "alice", "bob", "carol", "dave", "olga", "erin");
    for (int i = 0; i < AUTHORS.length; i++) {
      for (int j = i + 1; j < AUTHORS.length; j++) {
        mesh.link(AUTHORS[i], AUTHORS[j]);
      }
      mesh.link(AUTHORS[i], "olga");
    }
    mesh.run(10);
    int perAuthor = 1_800;
    String filler = "w".repeat(400);
    mesh.takeTurns(AUTHORS, perAuthor * AUTHORS.length, filler);
    // olga's store as the bench fills it: every message, and each author's head over every 256th
    // of its messages (an author signs at least that often) and over its last
    Peer olga = mesh.peer("olga");
    InMemoryMessageStore sparse = new InMemoryMessageStore();
    for (String name : AUTHORS) {
      PeerId author = mesh.peer(name).id;
      for (ChatMessage m : olga.store.range(author, new SeqRange(1, perAuthor), perAuthor)) {
        sparse.append(m);
        if (m.seq() % Room.HEAD_EVERY_MESSAGES == 0 || m.seq() == perAuthor) {
          sparse.putHead(new TestChainSigner().signHead(author, m.seq(), chainHash(m)));
        }
      }
    }
    olga.restartOn(sparse);
    PeerId alice = mesh.peer("alice").id;
    // a gap that ends just past one of alice's heads (the next one is 256 above) and starts as far
    // down as one frame's bytes of messages reach
    long headBelow = 6L * Room.HEAD_EVERY_MESSAGES;
    long headAbove = headBelow + Room.HEAD_EVERY_MESSAGES;
    long last = headBelow + 1;
    List<ChatMessage> history = sparse.range(alice, new SeqRange(1, headAbove), perAuthor);
    long first = last;
    long bytes = history.get((int) last - 1).frameBytesBound();
    while (first > 2 && bytes + history.get((int) first - 2).frameBytesBound() <= 768 * 1024) {
      first--;
      bytes += history.get((int) first - 1).frameBytesBound();
    }
    long extension = 0;
    for (long s = last + 1; s <= headAbove; s++) {
      extension += history.get((int) s - 1).frameBytesBound();
    }
    assertThat(bytes + extension + ChainedChunk.HEAD_BYTES_BOUND)
        .as("the gap up to the head above it is more than a frame may carry")
        .isGreaterThan(ChainedChunk.MAX_RUN_BYTES);

    mesh.link("erin", "olga"); // the request goes before erin's own catch-up asks
    mesh.inject(
        "erin",
        "olga",
        new SyncRequest(9_001, List.of(new Want(alice, new SeqRange(first, last))), 2_048));
    mesh.pump();

    List<MessageId> carried = new ArrayList<>();
    for (SyncBatch b : mesh.sentOf(SyncBatch.class, mesh.from("olga").and(mesh.to("erin")))) {
      if (b.requestId() == 9_001) {
        b.messages().forEach(m -> carried.add(m.id()));
      }
    }
    assertThat(carried)
        .as("the gap's first lines are answered")
        .contains(new MessageId(alice, first));
  }
}
