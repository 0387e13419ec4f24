package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.store.MessageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rev28: every distinct signed version of one (origin, seq) was a row in {@code conflicts}: a
 * member signing N versions of its seq 1 (each with its head: all authentic), relayed over one
 * link, made the victim store N rows of up to 64 KiB each, forever. At most 16 are kept per origin
 * now.
 */
class ConflictRowsBoundTest {
  @TempDir Path dir;

  private static final int VERSIONS = 300;

  @Test
  void oneAuthorsVersionsOfOneSeqDoNotGrowTheFileWithoutBound() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(28, dir)) {
      PeerNode n0 = mesh.start(mesh.config(0).withTracker(null, false));
      Identity author = Identity.generate(); // never links
      Identity relay = Identity.generate();
      String pad = "v".repeat(32 * 1024);
      try (RawPeer r = new RawPeer(relay, n0.port(), null)) {
        for (int k = 0; k < VERSIONS; k++) {
          ChainAuthor a = new ChainAuthor(author, "lobby");
          ChatMessage m = a.next(k + " " + pad);
          r.send(new LinkMessage.Chat(m));
          r.send(new LinkMessage.Head(a.head()));
        }
        // a line after them all on the same link: once it is shown, every version was handled
        ChainAuthor after = new ChainAuthor(Identity.generate(), "lobby");
        ChatMessage last = after.next("after the versions");
        r.send(new LinkMessage.Chat(last));
        r.send(new LinkMessage.Head(after.head()));
        await().atMost(Duration.ofSeconds(60)).until(() -> mesh.seen(0).ids().contains(last.id()));
        Path db = mesh.dataDir(0).resolve("history.db");
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> conflicts(db) == MessageStore.MAX_CONFLICTS_PER_ORIGIN);
        assertThat(n0.linkCount()).isEqualTo(1);
      }
    }
  }

  private static long conflicts(Path db) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM conflicts")) {
      return r.next() ? r.getLong(1) : -1;
    } catch (Exception e) {
      return -1;
    }
  }
}
