package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.sqlite.SqliteDatabase;
import meshchat.peer.store.sqlite.SqliteMessageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code meshchat history} in-process, over a real SQLite file. */
class HistoryCommandTest {
  private static final PeerId ALICE = PeerId.fromHex("a11ce0");
  private static final PeerId BOB = PeerId.fromHex("b0b0");

  @TempDir Path data;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new HistoryCommand())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  private List<String> outLines() {
    return out.toString().lines().toList();
  }

  private static ChatMessage msg(PeerId origin, long seq, long lamport, String text) {
    return new ChatMessage(
        new MessageId(origin, seq),
        lamport,
        1_700_000_000_000L,
        origin == ALICE ? "alice" : "bob",
        text,
        List.of());
  }

  /** Stored out of order; canonical order is (lamport, origin). */
  private void seedLobby() {
    try (SqliteMessageStore s = SqliteMessageStore.open(data, "lobby")) {
      s.append(msg(BOB, 2, 4, "fourth"));
      s.appendOwn(msg(ALICE, 1, 1, "first"), 1);
      s.append(msg(BOB, 1, 2, "third")); // a11ce0 < b0b0: alice's 2 comes before bob's 2
      s.appendOwn(msg(ALICE, 2, 2, "second \"quoted\"\n\\ \u001b[31m"), 2);
    }
  }

  @Test
  void printsTheWholeHistoryInLamportOrder() {
    seedLobby();
    assertThat(run("--data", data.toString())).isZero();
    assertThat(err.toString()).isEmpty();
    assertThat(outLines())
        .hasSize(4)
        .satisfies(l -> assertThat(l.get(0)).matches("\\[1\\] \\d\\d:\\d\\d alice: first"))
        .satisfies(
            l ->
                assertThat(l.get(1))
                    .matches("\\[2\\] \\d\\d:\\d\\d alice: second \"quoted\"\\\\n\\\\ \\\\e\\[31m"))
        .satisfies(l -> assertThat(l.get(2)).endsWith(" bob: third").startsWith("[2] "))
        .satisfies(l -> assertThat(l.get(3)).endsWith(" bob: fourth").startsWith("[4] "));
  }

  /** rev30: a line held back for its predecessor when the chat stopped was listed, never shown. */
  @Test
  void aLineHeldBackWhenTheChatStoppedIsNotListed() {
    seedLobby();
    try (SqliteMessageStore s = SqliteMessageStore.open(data, "lobby")) {
      ChatMessage held = msg(BOB, 4, 9, "the answer to it"); // bob's 3 never came
      s.append(held);
      s.markWaiting(held.id());
    }
    assertThat(run("--data", data.toString())).isZero();
    assertThat(outLines()).hasSize(4).noneMatch(l -> l.contains("the answer to it"));
  }

  /** rev27: the offline history printed any key's lines under a bare nick. */
  @Test
  void aNickAnotherKeyHoldsIsLabelledAsTheChatLabelsIt() throws Exception {
    seedLobby();
    // the data dir's chat first saw "bob" with another key
    java.nio.file.Files.writeString(
        data.resolve(meshchat.peer.identity.KnownNicks.FILE),
        "bob " + PeerId.fromHex("0b0b0b").hex() + " first 1\nalice " + ALICE.hex() + " first 1\n");
    assertThat(run("--data", data.toString())).isZero();
    assertThat(err.toString()).isEmpty();
    assertThat(outLines())
        .hasSize(4)
        .satisfies(l -> assertThat(l.get(0)).matches("\\[1\\] \\d\\d:\\d\\d alice: first"))
        .satisfies(l -> assertThat(l.get(2)).endsWith(" bob·b0b0 (unknown key): third"));
  }

  @Test
  void jsonLinesHaveTheChatsMessageEventForm() {
    seedLobby();
    assertThat(run("--data", data.toString(), "--json", "--limit", "3")).isZero();
    assertThat(outLines())
        .containsExactly(
            "{\"event\":\"message\",\"id\":\"a11ce0:2\",\"origin\":\"a11ce0\",\"seq\":2,"
                + "\"lamport\":2,\"nick\":\"alice\",\"text\":\"second \\\"quoted\\\"\\n\\\\ \\u001b[31m\","
                + "\"late\":false,\"wall_time_ms\":1700000000000}",
            "{\"event\":\"message\",\"id\":\"b0b0:1\",\"origin\":\"b0b0\",\"seq\":1,"
                + "\"lamport\":2,\"nick\":\"bob\",\"text\":\"third\","
                + "\"late\":false,\"wall_time_ms\":1700000000000}",
            "{\"event\":\"message\",\"id\":\"b0b0:2\",\"origin\":\"b0b0\",\"seq\":2,"
                + "\"lamport\":4,\"nick\":\"bob\",\"text\":\"fourth\","
                + "\"late\":false,\"wall_time_ms\":1700000000000}");
  }

  @Test
  void limitKeepsTheNewestAcrossPages() {
    try (SqliteMessageStore s = SqliteMessageStore.open(data, "lobby")) {
      for (long seq = 1; seq <= 1234; seq++) {
        s.append(msg(BOB, seq, seq, "m" + seq));
      }
    }
    assertThat(run("--data", data.toString(), "--limit", "1001")).isZero();
    List<String> lines = outLines();
    assertThat(lines).hasSize(1001);
    assertThat(lines.get(0)).endsWith("bob: m234");
    assertThat(lines.get(1000)).endsWith("bob: m1234");

    out.getBuffer().setLength(0);
    assertThat(run("--data", data.toString(), "--limit", "5000")).isZero();
    assertThat(outLines()).hasSize(1234);
  }

  @Test
  void roomsAreChosenByNameOrTheOnlyOne() {
    try (SqliteMessageStore s = SqliteMessageStore.open(data, "dev")) {
      s.append(msg(BOB, 1, 1, "in dev"));
    }
    assertThat(run("--data", data.toString())).isZero(); // the only room
    assertThat(outLines()).singleElement().asString().endsWith("bob: in dev");

    try (SqliteMessageStore s = SqliteMessageStore.open(data, "lobby")) {
      s.append(msg(ALICE, 1, 1, "in lobby"));
    }
    out.getBuffer().setLength(0);
    assertThat(run("--data", data.toString())).isZero(); // two rooms: lobby
    assertThat(outLines()).singleElement().asString().endsWith("alice: in lobby");

    out.getBuffer().setLength(0);
    assertThat(run("--data", data.toString(), "--room", "ops")).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString())
        .isEqualTo(
            "meshchat: no room 'ops' in "
                + data.resolve("history.db")
                + " (rooms: dev, lobby)"
                + System.lineSeparator());
  }

  @Test
  void aPrivateRoomIsFoundWithItsSecretOnly() {
    String id = RoomKey.derive("plans", "s3cret".toCharArray()).roomId();
    try (SqliteMessageStore s = SqliteMessageStore.open(data, id)) {
      s.append(msg(BOB, 1, 1, "private"));
    }
    try (SqliteMessageStore s = SqliteMessageStore.open(data, "lobby")) {
      s.append(msg(ALICE, 1, 1, "open"));
    }
    assertThat(run("--data", data.toString(), "--room", "plans", "--secret=s3cret")).isZero();
    assertThat(outLines()).singleElement().asString().endsWith("bob: private");

    out.getBuffer().setLength(0);
    assertThat(run("--data", data.toString(), "--room", "plans", "--secret=guess")).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).startsWith("meshchat: no room 'p-");
  }

  @Test
  void aMissingDataDirIsOneLineAndExitTwo() {
    Path missing = data.resolve("nope");
    assertThat(run("--data", missing.toString())).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("meshchat: data dir " + missing + " does not exist" + System.lineSeparator());
    assertThat(missing).doesNotExist();
  }

  @Test
  void aDataDirWithoutHistoryIsOneLineAndCreatesNothing() throws Exception {
    assertThat(run("--data", data.toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("meshchat: no history in ").hasLineCount(1);
    try (var files = Files.list(data)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aCorruptDatabaseNamesTheFileAndIsKept() throws Exception {
    Path file = data.resolve(SqliteDatabase.FILE_NAME);
    Files.writeString(file, "this is not sqlite, just some text that is long enough".repeat(40));
    assertThat(run("--data", data.toString())).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "meshchat: history database "
                + file.toAbsolutePath()
                + " is corrupt or not a meshchat database: file is not a database"
                + System.lineSeparator());
    assertThat(Files.readString(file)).startsWith("this is not sqlite");
  }

  @Test
  void aBadLimitIsExitTwo() {
    seedLobby();
    assertThat(run("--data", data.toString(), "--limit", "0")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("meshchat: --limit must be at least 1, not 0" + System.lineSeparator());
    assertThat(run("--data", data.toString(), "--limit", "many")).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void peerMainDispatchesHistory() {
    seedLobby();
    assertThat(PeerMain.run(new String[] {"history", "--data", data.toString(), "--limit", "1"}))
        .isZero();
  }
}
