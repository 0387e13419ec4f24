package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.MessageId;
import meshchat.peer.room.Mesh.Peer;
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
    for (int k = 0; k < total; k++) {
      // each line answers the one before it, by another author: a conversation
      mesh.peer(AUTHORS[k % AUTHORS.length]).send(k + " " + filler);
      mesh.pump();
    }
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
}
