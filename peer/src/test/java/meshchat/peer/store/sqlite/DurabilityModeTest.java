package meshchat.peer.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each store mode promises (docs/storage.md, "What each store mode promises"): in the product
 * ({@code sqlite}) the commit of a unit of work that holds own messages is followed by an fsync of
 * the log, at once ({@code commit()}) or, for the runtime, on a thread of its own ({@code
 * commitLeavingSync()} says one is owed, {@code sync()} does it); a unit of work without own
 * messages owes none; in {@code sqlite-nofsync} nothing is fsynced; in both, a burst is one
 * transaction that another connection (a restarted process, {@code meshchat history}) sees only
 * once it is committed.
 */
class DurabilityModeTest {
  private static final PeerId SELF = PeerId.fromHex("5e1f5e1f");

  @TempDir Path dataDir;

  private static ChatMessage theirs(long seq) {
    PeerId them = PeerId.fromHex("7e117e11");
    return new ChatMessage(new MessageId(them, seq), seq, 0, "them", "line " + seq, List.of());
  }

  private static ChatMessage own(long seq) {
    return new ChatMessage(new MessageId(SELF, seq), seq, 0, "me", "line " + seq, List.of());
  }

  @Test
  void theProductFsyncsTheBurstHoldingOwnMessagesAtItsOneCommit() {
    try (SqliteMessageStore store = SqliteMessageStore.open(dataDir, "lobby");
        SqliteDatabase other = SqliteDatabase.openDataDir(dataDir);
        SqliteMessageStore reader = other.room("lobby")) {
      store.appendOwn(own(1), 1);
      store.appendOwn(own(2), 2);
      assertThat(store.database().openGroupFsyncs()).isTrue();
      assertThat(reader.count()).isZero(); // not committed: not shown either
      store.commit();
      assertThat(store.database().openGroupFsyncs()).isFalse();
      assertThat(reader.count()).isEqualTo(2); // one commit for the burst
      assertThat(store.database().syncCount()).isEqualTo(1); // and one fsync
    }
  }

  @Test
  void theRuntimesCommitOfOwnMessagesOwesOneFsyncThatAnyThreadMayDoLater() throws Exception {
    try (SqliteMessageStore store = SqliteMessageStore.open(dataDir, "lobby");
        SqliteDatabase other = SqliteDatabase.openDataDir(dataDir);
        SqliteMessageStore reader = other.room("lobby")) {
      store.append(theirs(1));
      assertThat(store.commitLeavingSync()).as("no own message: nothing owed").isFalse();
      store.appendOwn(own(1), 1);
      store.append(theirs(2));
      assertThat(store.commitLeavingSync()).as("an own message: an fsync owed").isTrue();
      assertThat(reader.count()).isEqualTo(3); // committed (survives a kill) before the fsync
      assertThat(store.database().syncCount()).isZero();
      Thread storeThread = new Thread(store::sync);
      storeThread.start();
      storeThread.join();
      assertThat(store.database().syncCount()).isEqualTo(1);
      assertThat(store.commitLeavingSync()).as("nothing left open").isFalse();
    }
  }

  @Test
  void noFsyncModeCommitsOwnMessagesWithoutAnFsyncButStillOnlyAtCommit() {
    try (SqliteMessageStore store = SqliteMessageStore.open(dataDir, "lobby", false);
        SqliteDatabase other = SqliteDatabase.openDataDir(dataDir);
        SqliteMessageStore reader = other.room("lobby")) {
      store.appendOwn(own(1), 1);
      assertThat(store.database().openGroupFsyncs()).isFalse(); // survives a kill, not a power cut
      assertThat(reader.count()).isZero();
      assertThat(store.commitLeavingSync()).isFalse();
      assertThat(reader.count()).isEqualTo(1);
      store.sync();
      assertThat(store.database().syncCount()).isZero();
    }
  }
}
