package meshchat.peer.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LamportTimestamp;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore.AppendResult;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.peer.sync.SeqRange;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A received (or own) row whose seq is above the highest its origin has stored is staged in the
 * open group and written by a multi-row statement: when 64 are staged, at the commit, or before a
 * query that reads the messages table. What {@code append} reports is decided at call time, the
 * reads see staged rows, and a rollback forgets them.
 */
class StagedRowsTest {
  private static final PeerId LOW = PeerId.of(new byte[] {0x01});
  private static final PeerId MID = PeerId.of(new byte[] {0x10, 0x20});
  private static final PeerId HIGH = PeerId.of(new byte[] {(byte) 0xF0, 0x00});

  @TempDir Path dataDir;

  private static ChatMessage msg(PeerId origin, long seq, long lamport) {
    return msg(origin, seq, lamport, "text " + seq);
  }

  private static ChatMessage msg(PeerId origin, long seq, long lamport, String text) {
    return new ChatMessage(
        new MessageId(origin, seq),
        lamport,
        1_700_000_000_000L + lamport,
        "nick-" + origin.shortHex(),
        text,
        List.of(new MessageId(HIGH, seq)));
  }

  /** Rows of the room in SQLite itself, through the store's own connection (staged ones not). */
  private static long rowsWritten(SqliteDatabase db) throws SQLException {
    try (Statement s = db.connection().createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM messages")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void rowsWaitForSixtyFourTheCommitOrAQuery() throws Exception {
    try (SqliteMessageStore store = SqliteMessageStore.open(dataDir, "lobby")) {
      SqliteDatabase db = store.database();
      for (int seq = 1; seq <= 63; seq++) {
        assertThat(store.append(msg(LOW, seq, seq))).isEqualTo(AppendResult.NEW);
      }
      assertThat(rowsWritten(db)).as("63 staged").isZero();
      store.append(msg(LOW, 64, 64));
      assertThat(rowsWritten(db)).as("the 64th writes one statement").isEqualTo(64);
      for (int seq = 65; seq <= 75; seq++) {
        store.append(msg(LOW, seq, seq));
      }
      assertThat(rowsWritten(db)).isEqualTo(64);
      assertThat(store.get(new MessageId(LOW, 70))).contains(msg(LOW, 70, 70));
      assertThat(store.lamportOf(new MessageId(LOW, 75))).hasValue(75);
      assertThat(rowsWritten(db)).as("get and lamportOf answer from the staged rows").isEqualTo(64);
      assertThat(store.count()).isEqualTo(75);
      assertThat(rowsWritten(db)).as("count reads the table: written first").isEqualTo(75);
      store.append(msg(LOW, 76, 76));
      store.commit();
      assertThat(rowsWritten(db)).as("written at the commit").isEqualTo(76);
    }
    try (SqliteMessageStore again = SqliteMessageStore.open(dataDir, "lobby")) {
      assertThat(again.count()).isEqualTo(76);
      assertThat(again.get(new MessageId(LOW, 76))).contains(msg(LOW, 76, 76));
    }
  }

  @Test
  void duplicatesAndConflictsAmongStagedRowsAndAgainstCommittedOnes() throws Exception {
    ChatMessage committed = msg(LOW, 2, 2);
    ChatMessage staged = msg(LOW, 4, 4);
    try (SqliteMessageStore store = SqliteMessageStore.open(dataDir, "lobby")) {
      store.appendAll(List.of(msg(LOW, 1, 1), committed, msg(LOW, 3, 3)));
      store.commit();

      assertThat(store.append(staged)).isEqualTo(AppendResult.NEW);
      assertThat(rowsWritten(store.database())).isEqualTo(3);
      assertThat(store.append(msg(LOW, 4, 4))).isEqualTo(AppendResult.DUPLICATE);
      assertThat(store.append(msg(LOW, 4, 4, "fork"))).isEqualTo(AppendResult.CONFLICT);
      assertThat(store.append(msg(LOW, 4, 4, "fork"))).as("once").isEqualTo(AppendResult.CONFLICT);
      assertThat(store.append(msg(LOW, 4, 5))).isEqualTo(AppendResult.CONFLICT);
      assertThat(store.append(msg(LOW, 2, 2))).isEqualTo(AppendResult.DUPLICATE);
      assertThat(store.append(msg(LOW, 2, 2, "fork"))).isEqualTo(AppendResult.CONFLICT);
      assertThat(store.append(msg(LOW, 5, 5))).isEqualTo(AppendResult.NEW);
      assertThat(store.appendAll(List.of(msg(LOW, 5, 5), msg(LOW, 4, 4, "fork"), msg(LOW, 6, 6))))
          .containsExactly(AppendResult.DUPLICATE, AppendResult.CONFLICT, AppendResult.NEW);
      assertThat(store.conflictCount()).isEqualTo(3);
      store.commit();
    }
    try (SqliteMessageStore again = SqliteMessageStore.open(dataDir, "lobby")) {
      assertThat(again.get(staged.id())).as("the first version stays").contains(staged);
      assertThat(again.get(committed.id())).contains(committed);
      assertThat(again.count()).isEqualTo(6);
      assertThat(again.conflictCount()).isEqualTo(3);
    }
  }

  @Test
  void aRollbackForgetsTheStagedRowsTheirTimesAndTheirPlaceInTheOrder() throws Exception {
    try (SqliteMessageStore store = SqliteMessageStore.open(dataDir, "lobby")) {
      store.append(msg(LOW, 1, 10));
      store.commit();
      store.append(msg(LOW, 2, 20));
      store.append(msg(HIGH, 1, 30));
      assertThat(store.lamportOf(new MessageId(HIGH, 1))).hasValue(30);
      assertThat(store.predecessor(new LamportTimestamp(40, LOW))).contains(new MessageId(HIGH, 1));

      SqliteMessageStoreTest.failAGroup(store.database());

      assertThat(store.get(new MessageId(LOW, 2))).isEmpty();
      assertThat(store.lamportOf(new MessageId(HIGH, 1))).isEmpty();
      assertThat(store.predecessor(new LamportTimestamp(40, LOW))).contains(new MessageId(LOW, 1));
      assertThat(store.count()).isEqualTo(1);
      store.commit();
      assertThat(rowsWritten(store.database())).as("nothing left to write").isEqualTo(1);
      // the highest seq per origin went with them: the same ids are new again
      assertThat(store.append(msg(LOW, 2, 21))).isEqualTo(AppendResult.NEW);
      assertThat(store.append(msg(HIGH, 1, 31))).isEqualTo(AppendResult.NEW);
      store.commit();
      assertThat(store.get(new MessageId(LOW, 2))).contains(msg(LOW, 2, 21));
      assertThat(store.count()).isEqualTo(3);
    }
  }

  @Test
  void everyReadSeesTheStagedRows() throws Exception {
    try (SqliteMessageStore store = SqliteMessageStore.open(dataDir, "lobby").recentOrderKeys(4)) {
      List<ChatMessage> all = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        all.add(msg(i % 2 == 0 ? LOW : HIGH, (i + 1) / 2, 3 * i));
      }
      store.appendAll(all.subList(0, 10));
      store.commit();
      for (ChatMessage m : all.subList(10, 20)) {
        store.append(m);
      }
      // a late row staged far below the window of 4 keys: predecessor asks SQLite and the stage
      ChatMessage late = msg(MID, 1, 4);
      store.append(late);
      all.add(late);
      all.sort(ChatMessage.CANONICAL);
      assertThat(rowsWritten(store.database())).isEqualTo(10);

      assertThat(store.predecessor(new LamportTimestamp(5, LOW))).contains(late.id());
      assertThat(store.predecessor(new LamportTimestamp(4, HIGH))).contains(late.id());
      assertThat(store.predecessor(new LamportTimestamp(4, MID))).contains(all.get(0).id());
      assertThat(store.predecessor(new LamportTimestamp(4, LOW))).contains(all.get(0).id());
      assertThat(store.predecessor(new LamportTimestamp(61, LOW))).contains(all.get(20).id());
      assertThat(rowsWritten(store.database())).as("predecessor writes nothing").isEqualTo(10);
      assertThat(store.get(late.id())).contains(late);
      assertThat(store.lamportOf(late.id())).hasValue(4);
      assertThat(store.lamportOf(new MessageId(MID, 2))).isEmpty();

      assertThat(store.history(100)).containsExactlyElementsOf(all);
      assertThat(store.count()).isEqualTo(21);
    }
    // each read by itself, on a fresh stage
    for (int read = 0; read < 6; read++) {
      Path dir = Files.createDirectories(dataDir.resolve("r" + read));
      try (SqliteMessageStore store = SqliteMessageStore.open(dir, "lobby")) {
        store.append(msg(LOW, 1, 1));
        store.append(msg(LOW, 2, 2));
        switch (read) {
          case 0 -> assertThat(store.range(LOW, new SeqRange(1, 9), 10)).hasSize(2);
          case 1 -> assertThat(store.latest(5)).hasSize(2);
          case 2 -> assertThat(store.page(null, 5)).hasSize(2);
          case 3 -> assertThat(store.nthNewest(1)).contains(msg(LOW, 1, 1));
          case 4 -> assertThat(store.load(MID).holdings().get(LOW).contains(2)).isTrue();
          default -> assertThat(store.history(1)).containsExactly(msg(LOW, 2, 2));
        }
      }
    }
  }

  /** Past 4,096 origins the highest seqs start again: each origin is asked of SQLite anew. */
  @Test
  void theHighestSeqsPerOriginStayWithinTheirBound() {
    try (SqliteMessageStore store = SqliteMessageStore.open(dataDir, "lobby")) {
      int origins = SqliteMessageStore.HIGHEST_ORIGINS + 1;
      for (int i = 0; i < origins; i++) {
        PeerId o = PeerId.of(new byte[] {(byte) (i >> 8), (byte) i, 7});
        assertThat(store.append(msg(o, 2, 2))).isEqualTo(AppendResult.NEW);
        assertThat(store.highestOrigins()).isBetween(1, SqliteMessageStore.HIGHEST_ORIGINS);
      }
      PeerId first = PeerId.of(new byte[] {0, 0, 7});
      assertThat(store.append(msg(first, 2, 2))).isEqualTo(AppendResult.DUPLICATE);
      assertThat(store.append(msg(first, 3, 3))).isEqualTo(AppendResult.NEW);
      assertThat(store.append(msg(first, 1, 1))).isEqualTo(AppendResult.NEW);
      assertThat(store.lamportOf(new MessageId(first, 2))).hasValue(2);
      assertThat(store.lamportOf(new MessageId(first, 4))).isEmpty();
      store.commit();
      assertThat(store.count()).isEqualTo(origins + 2);
    }
  }

  /**
   * Two store objects over one room (nothing in the product does this) stage the same id, each
   * believing it new: the second's statement meets the first's row, SQLite undoes it, and its rows
   * go one at a time, the other version kept as a conflict once, the rest stored.
   */
  @Test
  void aStatementMeetingARowStoredMeanwhileGoesRowByRow() throws Exception {
    try (SqliteDatabase db = SqliteDatabase.openDataDir(dataDir);
        SqliteMessageStore a = db.room("lobby");
        SqliteMessageStore b = db.room("lobby")) {
      a.append(msg(LOW, 1, 1));
      assertThat(b.append(msg(LOW, 1, 1, "other"))).isEqualTo(AppendResult.NEW);
      b.append(msg(LOW, 2, 2));
      db.commitGroup();
      assertThat(a.count()).isEqualTo(2);
      assertThat(a.conflictCount()).isEqualTo(1);
      assertThat(b.get(new MessageId(LOW, 1))).contains(msg(LOW, 1, 1));

      // a full statement of 64 meets a row the other wrote meanwhile (the same version)
      for (int seq = 3; seq <= 40; seq++) {
        b.append(msg(HIGH, seq, seq));
      }
      a.append(msg(HIGH, 1, 1));
      a.append(msg(HIGH, 30, 30));
      assertThat(a.count()).isEqualTo(4); // a's rows written
      for (int seq = 41; seq <= 66; seq++) {
        b.append(msg(HIGH, seq, seq));
      }
      assertThat(rowsWritten(db)).isEqualTo(2 + 1 + 64);
      db.commitGroup();
      assertThat(b.count()).isEqualTo(2 + 1 + 64);
      assertThat(b.conflictCount()).isEqualTo(1);
      assertThat(b.range(HIGH, new SeqRange(1, 100), 100)).hasSize(65);
    }
  }

  /**
   * Random bursts of appends (new, copies, second versions, out of order), batches, reads, commits,
   * rollbacks and reopens: every answer equals the in-memory store's, given what was committed.
   */
  @Property(tries = 60)
  void everyAnswerIsTheMemoryStoresThroughCommitsRollbacksAndReopens(@ForAll long seed)
      throws Exception {
    Path dir = Files.createTempDirectory("staged");
    SplittableRandom random = new SplittableRandom(seed);
    PeerId[] origins = {LOW, MID, HIGH};
    long[] next = new long[origins.length];
    List<ChatMessage> committed = new ArrayList<>();
    List<ChatMessage> open = new ArrayList<>();
    InMemoryMessageStore model = new InMemoryMessageStore();
    SqliteMessageStore store = SqliteMessageStore.open(dir, "lobby");
    if (random.nextBoolean()) {
      store.recentOrderKeys(8);
    }
    try {
      for (int op = 0; op < 400; op++) {
        int what = random.nextInt(100);
        if (what < 55) {
          ChatMessage m = randomMessage(random, origins, next);
          open.add(m);
          assertThat(store.append(m)).as(m.toString()).isEqualTo(model.append(m));
        } else if (what < 62) {
          List<ChatMessage> batch = new ArrayList<>();
          int size = random.nextInt(3) == 0 ? 64 + random.nextInt(80) : random.nextInt(6);
          for (int i = 0; i < size; i++) {
            batch.add(randomMessage(random, origins, next));
          }
          open.addAll(batch);
          assertThat(store.appendAll(batch)).isEqualTo(model.appendAll(batch));
        } else if (what < 70) {
          store.commit();
          committed.addAll(open);
          open.clear();
        } else if (what < 73) {
          SqliteMessageStoreTest.failAGroup(store.database());
          open.clear();
          model = new InMemoryMessageStore();
          for (ChatMessage m : committed) {
            model.append(m);
          }
        } else if (what < 75) {
          store.close();
          committed.addAll(open);
          open.clear();
          store = SqliteMessageStore.open(dir, "lobby");
        } else {
          PeerId o = origins[random.nextInt(origins.length)];
          MessageId id = new MessageId(o, 1 + random.nextInt(90));
          switch (what % 8) {
            case 0 -> assertThat(store.get(id)).isEqualTo(model.get(id));
            case 1 -> assertThat(store.lamportOf(id)).isEqualTo(model.lamportOf(id));
            case 2 -> {
              LamportTimestamp key = new LamportTimestamp(random.nextInt(200), o);
              assertThat(store.predecessor(key))
                  .as(key.toString())
                  .isEqualTo(model.predecessor(key));
            }
            case 3 -> assertThat(store.count()).isEqualTo(model.count());
            case 4 -> assertThat(store.conflictCount()).isEqualTo(model.conflictCount());
            case 5 -> {
              int n = 1 + random.nextInt(30);
              assertThat(store.history(n)).isEqualTo(model.history(n));
            }
            case 6 -> {
              SeqRange r = new SeqRange(1 + random.nextInt(40), 40 + random.nextInt(50));
              assertThat(store.range(o, r, 20)).isEqualTo(model.range(o, r, 20));
            }
            default -> assertThat(store.latest(10)).isEqualTo(model.latest(10));
          }
        }
      }
      store.commit();
      assertThat(store.history(10_000)).isEqualTo(model.history(10_000));
    } finally {
      store.close();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(StagedRowsTest::delete);
      }
    }
  }

  /** Mostly the next seq of an origin, sometimes one far back, a copy or another version. */
  private static ChatMessage randomMessage(SplittableRandom random, PeerId[] origins, long[] next) {
    int oi = random.nextInt(origins.length);
    PeerId o = origins[oi];
    long seq = random.nextInt(4) == 0 ? 1 + random.nextInt(90) : Math.min(90, ++next[oi]);
    // one origin's times rise with its seqs (two seqs of one origin never tie); two origins tie
    long lamport = seq * 2 + oi % 2;
    String text = random.nextInt(10) == 0 ? "other" : "text " + seq;
    return msg(o, seq, lamport, text);
  }

  private static void delete(Path p) {
    try {
      Files.delete(p);
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }
}
