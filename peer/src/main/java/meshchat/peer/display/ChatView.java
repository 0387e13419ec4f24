package meshchat.peer.display;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Delivery;
import meshchat.peer.room.RoomNotice;
import meshchat.peer.runtime.PeerListener;
import meshchat.peer.runtime.PeerNode;

/**
 * The runtime's events as lines: plain text for people, or with {@code json} one JSON object per
 * line for programs (the event names and fields of docs/operations.md). Messages print as they
 * arrive; one that sorts before something already shown is marked late with the message it belongs
 * after (docs/ordering.md). Catch-up messages are summarized by one "caught up N messages" line in
 * plain mode, and each is an event with {@code "catchup":true} in JSON mode.
 */
public final class ChatView implements PeerListener {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());
  private final Screen screen;
  private final boolean json;
  private final String room;
  private volatile int peers;

  public ChatView(Screen screen, boolean json, String room) {
    this.screen = screen;
    this.json = json;
    this.room = room;
  }

  /** The prompt: room and peer count, e.g. {@code [lobby · 3 peers] > }. */
  public String prompt() {
    return "[" + room + " · " + peers + (peers == 1 ? " peer" : " peers") + "] > ";
  }

  @Override
  public void ready(PeerNode node, int port) {
    if (json) {
      screen.println(
          Json.event("ready")
              .put("peer", node.self().hex())
              .put("nick", node.nick())
              .put("room", node.config().room())
              .put("port", port)
              .toString());
    } else {
      screen.println(
          "* joined room '"
              + node.config().room()
              + "' as "
              + node.nick()
              + " ("
              + node.self().shortHex()
              + "), listening on port "
              + port
              + "; /help for commands");
    }
  }

  @Override
  public void delivered(Delivery d) {
    ChatMessage m = d.message();
    if (json) {
      Json j =
          Json.event("message")
              .put("id", m.id().toString())
              .put("origin", m.origin().hex())
              .put("seq", m.seq())
              .put("lamport", m.lamport())
              .put("nick", m.nick())
              .put("text", m.text())
              .put("late", d.late());
      if (d.late()) {
        j.put("after", d.after() == null ? null : d.after().toString());
      }
      screen.println(
          j.put("catchup", d.catchUp())
              .put("incomplete", d.incomplete())
              .put("wall_time_ms", m.wallTimeMs())
              .toString());
    } else if (!d.catchUp()) {
      screen.println(line(m, d.late(), d.after(), d.incomplete()));
    }
  }

  /** One message as a person reads it, also used by /history. */
  static String line(ChatMessage m, boolean late, MessageId after, boolean incomplete) {
    StringBuilder sb =
        new StringBuilder(TIME.format(Instant.ofEpochMilli(m.wallTimeMs())))
            .append(' ')
            .append(m.nick())
            .append(": ")
            .append(m.text());
    if (late) {
      sb.append("   (late: belongs ")
          .append(
              after == null ? "first" : "after " + after.origin().shortHex() + ":" + after.seq())
          .append(')');
    }
    if (incomplete) {
      sb.append("   (incomplete: earlier messages still missing)");
    }
    return sb.toString();
  }

  @Override
  public void notice(RoomNotice n) {
    if (n instanceof RoomNotice.CaughtUp c) {
      out(
          Json.event("caught-up").put("count", c.count()),
          "* caught up " + c.count() + " messages");
    } else if (n instanceof RoomNotice.SyncProgress p) {
      out(
          Json.event("sync")
              .put("peer", p.peer().hex())
              .put("received", p.received())
              .put("wanted", p.wanted()),
          "* syncing from " + p.peer().shortHex() + ": " + p.received() + "/" + p.wanted());
    } else if (n instanceof RoomNotice.Fork f) {
      out(
          Json.event("fork").put("id", f.kept().id().toString()),
          "* warning: peer "
              + f.kept().origin().shortHex()
              + " sent two different messages as #"
              + f.kept().seq()
              + "; kept the first");
    } else if (n instanceof RoomNotice.Completed c) {
      out(
          Json.event("completed").put("id", c.id().toString()),
          "* message " + c.id().origin().shortHex() + ":" + c.id().seq() + " is now complete");
    } else if (n instanceof RoomNotice.BadInput b) {
      out(
          Json.event("bad-input").put("peer", b.peer().hex()).put("reason", b.reason()),
          "* dropped link to " + b.peer().shortHex() + ": " + b.reason());
    }
  }

  @Override
  public void peerUp(PeerId peer, String nick) {
    peers++;
    out(
        Json.event("peer-up").put("peer", peer.hex()).put("nick", nick),
        "* " + nick + " (" + peer.shortHex() + ") is here");
    screen.promptChanged();
  }

  @Override
  public void peerDown(PeerId peer, String nick) {
    peers = Math.max(0, peers - 1);
    out(
        Json.event("peer-down").put("peer", peer.hex()).put("nick", nick),
        "* " + nick + " (" + peer.shortHex() + ") is gone");
    screen.promptChanged();
  }

  @Override
  public void info(String line) {
    out(Json.event("info").put("message", line), "* " + line);
  }

  @Override
  public void error(String line) {
    out(Json.event("error").put("message", line), "error: " + line);
  }

  private void out(Json j, String plain) {
    screen.println(json ? j.toString() : plain);
  }
}
