package meshchat.peer.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import meshchat.peer.display.AmbiguousWidth;
import meshchat.peer.display.Json;
import meshchat.peer.display.Names;
import meshchat.peer.display.Rows;
import meshchat.peer.display.StdoutColumns;
import meshchat.peer.display.Visible;
import meshchat.peer.identity.KnownNicks;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.nick.NickBook;
import meshchat.peer.store.sqlite.HistoryDatabaseException;
import meshchat.peer.store.sqlite.SqliteDatabase;
import meshchat.peer.store.sqlite.SqliteMessageStore;
import meshchat.tracker.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code history}: prints a data dir's history in canonical (Lamport) order, offline: it reads the
 * SQLite file (safe while the peer runs, thanks to WAL) and never touches the network. Reads a page
 * at a time, so a history of any size prints in constant memory. Bad input is one line on stderr
 * and exit code 2.
 */
@Command(
    name = "history",
    description = "print a data dir's history, offline",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class)
public final class HistoryCommand implements Callable<Integer> {
  static final int USAGE = 2;
  private static final int PAGE = 500;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "the peer's data dir")
  Path data;

  @Option(
      names = "--room",
      paramLabel = "ROOM",
      description = "room (default: the only room in the file, else lobby)")
  String room;

  @Option(
      names = "--secret",
      arity = "0..1",
      fallbackValue = ASK,
      paramLabel = "SECRET",
      description = "the private room's secret (with --room): its history is kept under its id")
  String secret;

  private static final String ASK = "\0ask";

  @Option(names = "--json", description = "one JSON object per message, as chat --json prints")
  boolean json;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "only the last N messages (default: all)")
  Long limit;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (limit != null && limit < 1) {
      return fail(err, "--limit must be at least 1, not " + limit);
    }
    if (!Files.isDirectory(data)) {
      return fail(err, "data dir " + data + " does not exist");
    }
    Path file = data.resolve(SqliteDatabase.FILE_NAME);
    if (!Files.exists(file)) {
      return fail(err, "no history in " + data + ": " + SqliteDatabase.FILE_NAME + " not found");
    }
    Stores.useCachedDriver();
    try (SqliteDatabase db = SqliteDatabase.open(file)) {
      List<String> rooms = db.rooms();
      String name = room != null ? room : rooms.size() == 1 ? rooms.get(0) : "lobby";
      if (secret != null) {
        char[] s = ASK.equals(secret) ? RoomSecret.ask() : secret.toCharArray();
        if (s.length == 0) {
          return fail(err, "the room secret is empty");
        }
        name = RoomKey.derive(room != null ? room : "lobby", s).roomId();
      }
      if (!rooms.contains(name)) {
        return fail(
            err,
            "no room '" + name + "' in " + file + " (rooms: " + String.join(", ", rooms) + ")");
      }
      NickBook known = knownNicks(err);
      try (SqliteMessageStore store = db.room(name)) {
        print(store, known, out);
      }
      out.flush();
      return 0;
    } catch (HistoryDatabaseException e) {
      return fail(err, e.getMessage());
    }
  }

  /** Pages forward from just before the first message wanted. */
  /**
   * The data dir's known nicks, read and never written (a running chat may own the file): a line
   * whose nick another key holds is labelled as the chat labels it, so the offline history cannot
   * show a stranger's line as alice's either (rev27).
   */
  private NickBook knownNicks(PrintWriter err) {
    NickBook book = new NickBook(() -> {});
    Path file = data.resolve(KnownNicks.FILE);
    try {
      // a last line the running chat is writing right now is left out: not a problem
      int bad = book.restore(KnownNicks.read(file).lines());
      if (bad > 0) {
        err.println("meshchat: " + file + ": skipped " + bad + " line(s) not understood");
      }
    } catch (NoSuchFileException e) {
      // no nick ever seen: every nick shows as it is
    } catch (IOException | RuntimeException e) {
      err.println(
          "meshchat: cannot read " + file + " (" + e.getMessage() + "); nicks shown unlabelled");
    }
    return book;
  }

  private void print(SqliteMessageStore store, NickBook known, PrintWriter out) {
    ChatMessage cursor = null;
    long left = Long.MAX_VALUE;
    // on a terminal, lines are cut as the chat's console cuts them: a padded text starts no row
    // that reads as another line (0: a file or a pipe, lines left whole)
    int columns = json ? 0 : StdoutColumns.get();
    int ambiguous = columns > 0 ? AmbiguousWidth.ofStdout() : 2;
    if (limit != null) {
      Optional<ChatMessage> before = store.nthNewest(limit);
      cursor = before.orElse(null);
      left = limit;
    }
    // held back for a predecessor when the chat stopped, never shown: not listed (as the chat's
    // scrollback and /history leave it out, rev30); at most the hold-back limit of them
    Set<MessageId> waiting = new HashSet<>(store.waiting());
    while (left > 0) {
      List<ChatMessage> page = store.page(cursor, (int) Math.min(PAGE, left));
      for (ChatMessage m : page) {
        if (!waiting.contains(m.id())) {
          out.println(json ? jsonLine(m) : Rows.of(textLine(m, known), columns, ambiguous));
        }
      }
      if (page.size() < Math.min(PAGE, left)) {
        return;
      }
      left -= page.size();
      cursor = page.get(page.size() - 1);
    }
  }

  /** The chat's message event (ChatView with --json), for a message shown in its place. */
  static String jsonLine(ChatMessage m) {
    Json line =
        Json.event(m.isNickChange() ? "nick" : "message")
            .put("id", m.id().toString())
            .put("origin", m.origin().hex())
            .put("seq", m.seq())
            .put("lamport", m.lamport())
            .put("nick", m.nick());
    if (!m.isNickChange()) {
      line.put("text", m.text());
    }
    return line.put("late", false).put("wall_time_ms", m.wallTimeMs()).toString();
  }

  /**
   * {@code [lamport] HH:mm nick: text}; controls and invisible characters are shown visibly, so
   * that another peer's text cannot move the cursor, recolour the terminal or reorder the line.
   */
  static String textLine(ChatMessage m) {
    return textLine(m, new NickBook(() -> {}));
  }

  /** As above, the nick labelled from {@code known} (another key's nick: fingerprint, marked). */
  static String textLine(ChatMessage m, NickBook known) {
    StringBuilder sb = new StringBuilder();
    sb.append('[').append(m.lamport()).append("] ");
    sb.append(TIME.format(Instant.ofEpochMilli(m.wallTimeMs()))).append(' ');
    if (m.isNickChange()) {
      sb.append("* ").append(m.origin().shortHex()).append(" is now known as ");
      // labelled as the chat labels it: another key's pinned nick shows its fingerprint (rev30)
      sb.append(Visible.of(Names.text(known.peek(m.origin(), m.nick()))));
      return sb.toString();
    }
    sb.append(Visible.of(Names.text(known.peek(m.origin(), m.nick()))));
    sb.append(": ");
    sb.append(Visible.of(m.text()));
    return sb.toString();
  }

  private static int fail(PrintWriter err, String line) {
    err.println("meshchat: " + line.replace('\n', ' '));
    err.flush();
    return USAGE;
  }
}
