package meshchat.peer.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.MessageStoreContract;
import meshchat.peer.store.memory.InMemoryMessageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMessageStoreTest extends MessageStoreContract {
  @TempDir Path dataDir;

  @Override
  protected MessageStore create() {
    return SqliteMessageStore.open(dataDir, "lobby");
  }

  @Override
  protected MessageStore restart(MessageStore old) {
    old.close();
    return SqliteMessageStore.open(dataDir, "lobby");
  }

  @Test
  void twoRoomsInOneFileAreSeparate() {
    try (SqliteDatabase db = SqliteDatabase.openDataDir(dataDir);
        SqliteMessageStore dev = db.room("dev");
        SqliteMessageStore ops = db.room("ops")) {
      dev.appendOwn(msg(SELF, 1, 5), 5);
      ops.append(msg(SELF, 1, 2)); // same id, other room: not a conflict
      ops.append(msg(LOW, 1, 1));
      assertThat(dev.count()).isEqualTo(1);
      assertThat(ops.count()).isEqualTo(2);
      assertThat(dev.conflictCount()).isZero();
      assertThat(ops.conflictCount()).isZero();
      assertThat(dev.load(SELF).lamport()).isEqualTo(5);
      assertThat(ops.load(SELF).lamport()).isEqualTo(2);
      assertThat(dev.load(SELF).holdings()).containsOnlyKeys(SELF);
      assertThat(ops.get(new MessageId(SELF, 1)).orElseThrow().lamport()).isEqualTo(2);
      assertThat(db.rooms()).containsExactly("dev", "lobby", "ops");
    }
    assertThat(dataDir.resolve(SqliteDatabase.FILE_NAME)).exists();
  }

  /**
   * Once the runtime takes the checkpoints, the commits (on the room thread) leave the log alone:
   * the database file does not grow while more than SQLite's 1,000-page threshold is committed, and
   * it does when {@code checkpoint} runs. Left to SQLite, the commits would have copied it.
   */
  @Test
  void takenCheckpointsRunOnlyWhenAskedNotAtACommit() throws Exception {
    Path file = dataDir.resolve(SqliteDatabase.FILE_NAME);
    assertThat(store.takeCheckpoints()).isTrue();
    store.append(msg(LOW, 1, 1));
    store.commit();
    long before = Files.size(file);
    for (int seq = 2; seq <= 3_000; seq++) { // a commit each: a few log pages each
      store.append(msg(LOW, seq, seq));
      store.commit();
    }
    assertThat(Files.size(file)).as("no commit checkpointed").isEqualTo(before);
    store.checkpoint();
    assertThat(Files.size(file)).as("the checkpoint copied the log").isGreaterThan(before);
    assertThat(store.get(new MessageId(LOW, 3_000))).isPresent();
  }

  /**
   * {@code writes} counts the rows written (how the runtime times checkpoints by the log's growth,
   * not only by commits), and a checkpoint passes over the log again only while the log grew since
   * its last pass: twice when nothing is written meanwhile (the second finds nothing new), once
   * when a reader's snapshot keeps it from copying everything (passing again would copy nothing).
   */
  @Test
  void writesCountRowsAndACheckpointPassesAgainOnlyWhileTheLogGrew() throws Exception {
    SqliteMessageStore sqlite = (SqliteMessageStore) store;
    assertThat(sqlite.takeCheckpoints()).isTrue();
    long before = sqlite.writes();
    for (int seq = 1; seq <= 100; seq++) {
      store.append(msg(LOW, seq, seq));
    }
    store.commit();
    assertThat(sqlite.writes() - before).isEqualTo(100);

    SqliteDatabase db = sqlite.database();
    long passes = db.checkpointPasses();
    store.checkpoint();
    assertThat(db.checkpointPasses() - passes).as("caught up, then nothing new").isEqualTo(2);

    try (java.sql.Connection reader =
            java.sql.DriverManager.getConnection(
                "jdbc:sqlite:" + dataDir.resolve(SqliteDatabase.FILE_NAME));
        Statement r = reader.createStatement()) {
      reader.setAutoCommit(false);
      try (ResultSet rs = r.executeQuery("SELECT count(*) FROM messages")) {
        assertThat(rs.next()).isTrue(); // the reader's snapshot is held until it ends
      }
      for (int seq = 101; seq <= 200; seq++) {
        store.append(msg(LOW, seq, seq));
      }
      store.commit();
      passes = db.checkpointPasses();
      store.checkpoint();
      assertThat(db.checkpointPasses() - passes).as("held back by the reader").isEqualTo(1);
      reader.rollback();
    }
    assertThat(store.get(new MessageId(LOW, 200))).isPresent();
  }

  /**
   * {@code lamportOf} answers the newest stored messages from memory; a group rolled back takes its
   * rows away, and their times with them, a room sharing the file included.
   */
  @Test
  void aRolledBackGroupsMessagesHaveNoTimeAnyMore() throws Exception {
    try (SqliteDatabase db =
            SqliteDatabase.openDataDir(Files.createDirectories(dataDir.resolve("other")));
        SqliteMessageStore dev = db.room("dev");
        SqliteMessageStore ops = db.room("ops")) {
      dev.append(msg(LOW, 1, 5));
      dev.commit();
      dev.append(msg(LOW, 2, 6));
      ops.appendAll(List.of(msg(HIGH, 1, 7)));
      assertThat(dev.lamportOf(new MessageId(LOW, 2))).hasValue(6);
      assertThat(ops.lamportOf(new MessageId(HIGH, 1))).hasValue(7);

      failAGroup(db);

      assertThat(dev.lamportOf(new MessageId(LOW, 2))).isEmpty();
      assertThat(ops.lamportOf(new MessageId(HIGH, 1))).isEmpty();
      assertThat(dev.lamportOf(new MessageId(LOW, 1))).as("committed before").hasValue(5);
    }
  }

  /**
   * {@code predecessor} answers from memory among the highest stored keys (RecentOrder) and asks
   * SQLite below them: every answer equals a sorted list's, past the window's size, with messages
   * stored far back in the order (late ones), through a rolled-back group and across a reopen.
   */
  @Test
  void predecessorsAreThoseOfASortedListWhereverTheyAreAnswered() throws Exception {
    java.util.SplittableRandom random = new java.util.SplittableRandom(21);
    PeerId[] origins = {
      LOW, SELF, HIGH, PeerId.of(new byte[] {0x10}), PeerId.of(new byte[] {0x7f})
    };
    long[] seqs = new long[origins.length];
    java.util.TreeMap<meshchat.peer.message.LamportTimestamp, MessageId> stored =
        new java.util.TreeMap<>();
    int window = 1_000;
    store = ((SqliteMessageStore) store).recentOrderKeys(window);
    int n = 12 * window;
    for (int i = 1; i <= n; i++) {
      int o = random.nextInt(origins.length);
      // mostly rising, one in eight far back (a late message), some equal times
      long lamport = random.nextInt(8) == 0 ? 1 + random.nextInt(i) : i / 2 + random.nextInt(3);
      ChatMessage m = msg(origins[o], ++seqs[o], lamport);
      if (!stored.containsKey(m.timestamp())) {
        store.append(m);
        stored.put(m.timestamp(), m.id());
      } else {
        seqs[o]--;
      }
      if (i % 100 == 0) {
        store.commit();
        assertPredecessors(random, stored, i);
      }
      if (i == n / 2) { // a group rolled back: its rows, and what memory kept of them, go
        store.commit();
        store.append(msg(origins[0], seqs[0] + 1, i + 5));
        store.predecessor(new meshchat.peer.message.LamportTimestamp(i + 6, origins[0]));
        SqliteDatabase db = ((SqliteMessageStore) store).database();
        failAGroup(db);
        assertPredecessors(random, stored, i + 10);
      }
    }
    store.commit();
    store = ((SqliteMessageStore) restart(store)).recentOrderKeys(window);
    assertPredecessors(random, stored, n);
    for (int i = 1; i <= 2 * window; i++) { // stored after the reopen: the window fills again
      int o = random.nextInt(origins.length);
      ChatMessage m = msg(origins[o], ++seqs[o], n + i);
      store.append(m);
      stored.put(m.timestamp(), m.id());
    }
    assertPredecessors(random, stored, n + 2 * window);
  }

  private void assertPredecessors(
      java.util.SplittableRandom random,
      java.util.TreeMap<meshchat.peer.message.LamportTimestamp, MessageId> stored,
      int maxLamport) {
    List<meshchat.peer.message.LamportTimestamp> probes = new ArrayList<>(stored.keySet());
    for (int k = 0; k < 50; k++) {
      meshchat.peer.message.LamportTimestamp probe =
          random.nextBoolean() && !probes.isEmpty()
              ? probes.get(probes.size() - 1 - random.nextInt(Math.min(probes.size(), 5_000)))
              : new meshchat.peer.message.LamportTimestamp(
                  random.nextInt(maxLamport + 2), random.nextBoolean() ? LOW : HIGH);
      var expected = stored.lowerEntry(probe);
      assertThat(store.predecessor(probe))
          .as("before %s", probe)
          .isEqualTo(java.util.Optional.ofNullable(expected == null ? null : expected.getValue()));
    }
  }

  /**
   * A sync batch's many-row insert binds its values straight to the driver (Rows.insertRows): a
   * failure other than a stored id (here a trigger's integer overflow, SQLITE_ERROR) is thrown, the
   * group is rolled back whole, and the statement is left ready: the same rows go in once the cause
   * is gone.
   */
  @Test
  void aBatchInsertFailingForAnotherReasonStoresNothingAndTheStatementIsReusable()
      throws Exception {
    List<ChatMessage> batch = new ArrayList<>();
    for (int seq = 1; seq <= 3 * SqliteMessageStore.ROWS_PER_INSERT; seq++) {
      batch.add(msg(LOW, seq, seq));
    }
    int failing = SqliteMessageStore.ROWS_PER_INSERT + 7; // in the second statement
    try (SqliteDatabase db = SqliteDatabase.openDataDir(dataDir);
        Statement s = db.connection().createStatement()) {
      s.execute(
          "CREATE TRIGGER boom BEFORE INSERT ON messages WHEN NEW.seq = "
              + failing
              + " BEGIN SELECT abs(-9223372036854775807 - 1); END");
    }
    assertThatThrownBy(() -> store.appendAll(batch))
        .isInstanceOf(HistoryDatabaseException.class)
        .hasMessageContaining("integer overflow");
    assertThat(store.count()).as("the first statement's rows rolled back too").isZero();

    try (SqliteDatabase db = SqliteDatabase.openDataDir(dataDir);
        Statement s = db.connection().createStatement()) {
      s.execute("DROP TRIGGER boom");
    }
    assertThat(store.appendAll(batch)).containsOnly(MessageStore.AppendResult.NEW);
    store.commit();
    assertThat(store.count()).isEqualTo(batch.size());
    assertThat(store.get(new MessageId(LOW, failing))).contains(batch.get(failing - 1));
  }

  @Test
  void theFileIsInWalModeAndMarkedAsOurs() throws Exception {
    store.append(msg(LOW, 1, 1));
    try (SqliteDatabase db = SqliteDatabase.openDataDir(dataDir);
        Statement s = db.connection().createStatement()) {
      assertThat(string(s, "PRAGMA journal_mode")).isEqualTo("wal");
      assertThat(string(s, "PRAGMA synchronous")).isEqualTo("1"); // NORMAL between own appends
      assertThat(string(s, "PRAGMA foreign_keys")).isEqualTo("1");
      assertThat(string(s, "PRAGMA temp_store")).as("statement journals in memory").isEqualTo("2");
      assertThat(string(s, "PRAGMA user_version"))
          .isEqualTo(String.valueOf(Schema.CURRENT_VERSION));
      assertThat(Integer.parseInt(string(s, "PRAGMA application_id")))
          .isEqualTo(SqliteDatabase.APPLICATION_ID);
    }
  }

  /**
   * An own message's row carries its clock and seq, so appendOwn writes {@code meta} only when the
   * row was not stored (its id already held by another version): then meta alone keeps them, and
   * the restarted peer neither reuses the seq nor goes back in time.
   */
  @Test
  void anOwnMessageNotStoredKeepsItsClockAndSeqInMeta() {
    store.append(msg(SELF, 7, 3)); // the room already had a version of our seq 7
    store.appendOwn(msg(SELF, 7, 40), 40); // a conflict: to conflicts, not messages
    store.appendOwn(msg(SELF, 2, 9), 9); // stored: the row says it
    store.commit();
    store = restart(store);
    assertThat(store.load(SELF).lamport()).isEqualTo(40);
    assertThat(store.load(SELF).ownSeq()).isEqualTo(7);
    assertThat(store.conflictCount()).isEqualTo(1);
    store.appendOwn(msg(SELF, 8, 41), 41);
    store.commit();
    store = restart(store);
    assertThat(store.load(SELF).lamport()).isEqualTo(41);
    assertThat(store.load(SELF).ownSeq()).isEqualTo(8);
  }

  @Test
  void pagesWalkTheWholeHistoryInCanonicalOrder() {
    for (long seq = 1; seq <= 25; seq++) {
      store.append(msg(seq % 2 == 0 ? LOW : HIGH, seq, (seq + 1) / 2));
    }
    SqliteMessageStore s = (SqliteMessageStore) store;
    List<ChatMessage> all = new ArrayList<>();
    ChatMessage cursor = null;
    for (List<ChatMessage> page = s.page(null, 7); !page.isEmpty(); page = s.page(cursor, 7)) {
      all.addAll(page);
      cursor = page.get(page.size() - 1);
    }
    assertThat(all).isEqualTo(store.history(100)).hasSize(25);
    assertThat(s.nthNewest(0)).contains(all.get(24));
    assertThat(s.nthNewest(24)).contains(all.get(0));
    assertThat(s.nthNewest(25)).isEmpty();
  }

  /**
   * The offline {@code meshchat history} pages with {@code page} and counts back with {@code
   * nthNewest}: rows marked hidden are neither listed nor counted, as the chat leaves them out.
   */
  @Test
  void pagesAndTheNthNewestLeaveOutRowsMarkedHidden() {
    List<ChatMessage> shown = new ArrayList<>();
    for (long seq = 1; seq <= 25; seq++) {
      ChatMessage m = msg(seq % 2 == 0 ? LOW : HIGH, seq, seq);
      store.append(m);
      if (seq % 5 == 0) {
        store.markHidden(m.id());
      } else {
        shown.add(m);
      }
    }
    SqliteMessageStore s = (SqliteMessageStore) store;
    List<ChatMessage> all = new ArrayList<>();
    ChatMessage cursor = null;
    for (List<ChatMessage> page = s.page(null, 7); !page.isEmpty(); page = s.page(cursor, 7)) {
      all.addAll(page);
      cursor = page.get(page.size() - 1);
    }
    assertThat(all).isEqualTo(shown).isEqualTo(store.history(100)).hasSize(20);
    assertThat(s.nthNewest(0)).contains(shown.get(19));
    assertThat(s.nthNewest(19)).contains(shown.get(0));
    assertThat(s.nthNewest(20)).isEmpty();
    assertThat(store.latest(1)).containsExactly(new MessageId(HIGH, 25)); // the sync's: every row
  }

  /** /history's cursor: each page is what comes before the oldest line of the page after it. */
  @Test
  void pagesBackWalkTheWholeHistoryNewestFirstAsTheMemoryStoresDo() {
    InMemoryMessageStore memory = new InMemoryMessageStore();
    for (long seq = 1; seq <= 25; seq++) {
      ChatMessage m = msg(seq % 2 == 0 ? LOW : HIGH, seq, (seq + 1) / 2); // pairs share a time
      store.append(m);
      memory.append(m);
    }
    store.commit();
    List<ChatMessage> all = store.history(100);
    List<ChatMessage> paged = new ArrayList<>();
    ChatMessage cursor = null;
    for (List<ChatMessage> page = store.historyBefore(null, 7);
        !page.isEmpty();
        page = store.historyBefore(cursor, 7)) {
      assertThat(page).isEqualTo(memory.historyBefore(cursor, 7));
      paged.addAll(0, page);
      cursor = page.get(0);
    }
    assertThat(paged).isEqualTo(all).hasSize(25);
    assertThat(store.historyBefore(all.get(0), 7)).isEmpty();
    assertThat(store.historyBefore(all.get(3), 0)).isEmpty();
    assertThat(store.historyBefore(all.get(3), 100)).isEqualTo(all.subList(0, 3));
  }

  @Test
  void depsSurviveTheRoundTrip() {
    PeerId longId = PeerId.of(new byte[PeerId.MAX_BYTES]);
    ChatMessage m =
        msg(LOW, 1, 4, new MessageId(longId, 300), new MessageId(HIGH, WireBounds.MAX_SEQ));
    store.append(m);
    assertThat(store.get(m.id())).contains(m);
    assertThat(DepsCodec.decode(DepsCodec.encode(m.deps()))).isEqualTo(m.deps());
  }

  private static String string(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** A group of work that fails inside (the disk is full): rolled back, one clear exception. */
  /**
   * A rolled-back group's quota charges go with its messages (they are fetched, and charged,
   * again), and the table keeps a day: hours more than 24 before the latest written are deleted.
   */
  @Test
  void quotaChargesRollBackWithTheirGroupAndOnlyADayIsKept() throws Exception {
    try (SqliteDatabase db =
            SqliteDatabase.openDataDir(Files.createDirectories(dataDir.resolve("quota")));
        SqliteMessageStore dev = db.room("dev");
        SqliteMessageStore ops = db.room("ops")) {
      dev.charge(LOW, false, 100, 1_000);
      dev.saveCharges();
      dev.commit();
      dev.charge(LOW, false, 100, 7);
      dev.saveCharges(); // written into the group that fails
      failAGroup(db);
      dev.commit();
      assertThat(dev.charges(0)).containsExactly(new MessageStore.Charge(LOW, false, 100, 1_000));
      ops.charge(LOW, false, 100, 3);
      ops.commit();
      assertThat(ops.charges(0))
          .as("rooms apart")
          .containsExactly(new MessageStore.Charge(LOW, false, 100, 3));
      dev.charge(HIGH, true, 124, 9);
      dev.commit();
      assertThat(dev.charges(0))
          .containsExactlyInAnyOrder(
              new MessageStore.Charge(LOW, false, 100, 1_000),
              new MessageStore.Charge(HIGH, true, 124, 9));
      dev.charge(HIGH, true, 125, 1);
      dev.commit();
      assertThat(dev.charges(0))
          .as("hour 100 is more than a day before 125")
          .containsExactlyInAnyOrder(
              new MessageStore.Charge(HIGH, true, 124, 9),
              new MessageStore.Charge(HIGH, true, 125, 1));
    }
  }

  /**
   * The author quota's rows as a hostile or corrupt file holds them (no author, an empty one, a
   * negative hour, bytes below 0 and at 2^63-1): the store starts, reads the rows that name an
   * author as they are (the quota ignores what it cannot count, AuthorQuotaTest), says once in one
   * line that the others count nothing, loses no message, and sums new charges onto 2^63-1 without
   * an overflow, which SQLite's STRICT table would refuse with the whole commit.
   */
  @Test
  void hostileQuotaRowsAreReadWithoutACrashOneLineSaysWhatCountsNothingAndSumsSaturate()
      throws Exception {
    Path dir = Files.createDirectories(dataDir.resolve("hostile"));
    try (SqliteMessageStore s = SqliteMessageStore.open(dir, "lobby")) {
      s.append(msg(LOW, 1, 1));
      s.commit();
    }
    Path file = dir.resolve(SqliteDatabase.FILE_NAME);
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      long room;
      try (ResultSet r = st.executeQuery("SELECT room_id FROM meta WHERE room = 'lobby'")) {
        room = r.getLong(1);
      }
      String max = Long.toString(Long.MAX_VALUE);
      st.executeUpdate(
          "INSERT INTO author_bytes(room_id, origin, old, hour, bytes) VALUES"
              + (" (" + room + ", x'', 0, 100, 5),")
              + (" (" + room + ", zeroblob(65), 0, 100, 5),")
              + (" (" + room + ", x'01', 0, -5, " + max + "),")
              + (" (" + room + ", x'01', 0, 100, " + max + "),")
              + (" (" + room + ", x'01', 0, 101, " + max + "),")
              + (" (" + room + ", x'01', 1, 100, -1),")
              + (" (" + room + ", x'01', 1, 10000, 5),")
              + (" (" + room + ", x'f000', 7, 100, " + Long.MIN_VALUE + ")"));
    }
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(SqliteMessageStore.class);
    logger.addAppender(lines);
    try (SqliteMessageStore s = SqliteMessageStore.open(dir, "lobby")) {
      assertThat(s.charges(0))
          .containsExactlyInAnyOrder(
              new MessageStore.Charge(LOW, false, 100, Long.MAX_VALUE),
              new MessageStore.Charge(LOW, false, 101, Long.MAX_VALUE),
              new MessageStore.Charge(LOW, true, 100, -1),
              new MessageStore.Charge(LOW, true, 10_000, 5),
              new MessageStore.Charge(HIGH, true, 100, Long.MIN_VALUE));
      assertThat(s.charges(Long.MIN_VALUE)).hasSize(6);
      assertThat(lines.list).hasSize(2); // once per read: the room reads them once, at its start
      assertThat(lines.list.get(0).getFormattedMessage())
          .isEqualTo(
              file + ": 2 author quota row(s) of room lobby name no author and count nothing")
          .doesNotContain("Exception");
      assertThat(lines.list.get(0).getThrowableProxy()).isNull();
      assertThat(s.get(new MessageId(LOW, 1))).as("nothing lost").isPresent();
      // new charges on top: saturated in memory and in the row; one below 0 starts afresh
      s.charge(LOW, false, 101, Long.MAX_VALUE);
      s.charge(LOW, false, 101, 1);
      s.charge(LOW, true, 100, 10);
      s.charge(HIGH, true, 100, 10);
      s.saveCharges();
      s.commit();
      s.charge(LOW, false, 100, 1);
      s.commit();
      // and the first hours written delete the rows over a day older than them, and those further
      // ahead than a restart would count (a clock once set far forward): -5 and 10,000
      assertThat(s.charges(Long.MIN_VALUE))
          .containsExactlyInAnyOrder(
              new MessageStore.Charge(LOW, false, 100, Long.MAX_VALUE),
              new MessageStore.Charge(LOW, false, 101, Long.MAX_VALUE),
              new MessageStore.Charge(LOW, true, 100, 10),
              new MessageStore.Charge(HIGH, true, 100, 10),
              // its allowance read as 7, its own row: read back as it is, counted as nothing
              new MessageStore.Charge(HIGH, true, 100, Long.MIN_VALUE));
    } finally {
      logger.detachAppender(lines);
    }
  }

  static void failAGroup(SqliteDatabase db) {
    assertThatThrownBy(
            () ->
                db.grouped(
                    false,
                    () -> {
                      throw new SQLException("the disk is full");
                    }))
        .isInstanceOf(HistoryDatabaseException.class);
  }
}
