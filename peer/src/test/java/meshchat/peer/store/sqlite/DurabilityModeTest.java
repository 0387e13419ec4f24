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
 * ({@code sqlite}) the unit of work that holds own messages begins under {@code synchronous =
 * FULL}, so its commit fsyncs the log; in {@code sqlite-nofsync} it does not; in both, a burst is
 * one transaction that another connection (a restarted process, {@code meshchat history}) sees only
 * once {@code commit()} returns.
 */
class DurabilityModeTest {
  private static final PeerId SELF = PeerId.fromHex("5e1f5e1f");

  @TempDir Path dataDir;

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
      store.commit();
      assertThat(reader.count()).isEqualTo(1);
    }
  }
}
