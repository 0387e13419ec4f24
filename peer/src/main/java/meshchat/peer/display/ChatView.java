package meshchat.peer.display;

import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.nick.NickBook;
import meshchat.peer.room.Delivery;
import meshchat.peer.room.RoomNotice;
import meshchat.peer.runtime.PeerListener;
import meshchat.peer.runtime.PeerListener.Findable;
import meshchat.peer.runtime.PeerView;

/**
 * The runtime's events as lines: plain text for people, or with {@code json} one JSON object per
 * line for programs (the event names and fields of docs/operations.md). Messages print as they
 * arrive; one that sorts before something already shown is marked late with the message it belongs
 * after (docs/ordering.md). On screen, the stored history and each catch-up show their last N
 * messages under a divider ({@link Scrollback}); in JSON mode every caught-up message is a {@code
 * message} event with {@code "catch_up":true}.
 */
public final class ChatView implements PeerListener {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());
  private final Screen screen;
  private final boolean json;
  private final String room;
  private volatile int peers;
  private final Map<PeerId, String> nicks = new ConcurrentHashMap<>();
  private final DeliveryWatch watch;
  private final int scrollback;
  private final Scrollback history;
  private volatile long shown;
  private volatile String keyPrint;
  private volatile PeerId self;
  private volatile String ownNick;
  private final Names names;

  /**
   * @param scrollback messages of history shown at start and after a catch-up
   * @param nickBook the nicks and keys remembered in the data dir (trust on first use)
   * @param clock the wall clock: when a nick was seen, how long to wait for deliveries
   */
  public ChatView(
      Screen screen,
      boolean json,
      String room,
      int scrollback,
      NickBook nickBook,
      InstantSource clock) {
    this.screen = screen;
    this.watch = new DeliveryWatch(clock);
    this.json = json;
    this.room = room;
    this.scrollback = scrollback;
    this.names = new Names(nickBook, this, clock);
    this.history = new Scrollback(scrollback, screen::println, this);
  }

  Names names() {
    return names;
  }

  /** The messages typed here and which of them another peer holds. */
  public DeliveryWatch watch() {
    return watch;
  }

  /**
   * A private room: its short fingerprint (from the room id the secret derives), shown in the
   * prompt so that two people can compare it out of band. Different secrets, different prints.
   */
  public void privateRoom(String fingerprint) {
    keyPrint = fingerprint;
  }

  /** Peers linked now. */
  public int peerCount() {
    return peers;
  }

  /** Messages delivered so far: /history restarts its paging when this moves. */
  public long shownCount() {
    return shown;
  }

  /** The nicks of the linked peers, for completion and for naming who holds a message. */
  public Map<PeerId, String> nicks() {
    return Map.copyOf(nicks);
  }

  /** The prompt: room and peer count, e.g. {@code [lobby · 3 peers] > }. */
  public String prompt() {
    return "["
        + room
        + (keyPrint == null ? "" : " key " + keyPrint)
        + " · "
        + peers
        + (peers == 1 ? " peer" : " peers")
        + "] > ";
  }

  @Override
  public void ready(PeerView peer) {
    self = peer.self();
    ownNick = peer.nick();
    names.seen(peer.self(), peer.nick()); // our own nick is ours first
    if (!json) {
      screen.println(
          "* joined room '"
              + (keyPrint == null ? peer.room() : room + "' (private, key " + keyPrint + ")")
              + (keyPrint == null ? "' as " : " as ")
              + peer.nick()
              + " ("
              + peer.self().shortHex()
              + "), listening on port "
              + peer.port()
              + "; /help for commands");
      if (scrollback > 0) {
        // on the room thread, where the history is read at once
        List<ChatMessage> last = peer.history(scrollback + 1).join();
        boolean more = last.size() > scrollback;
        history.start(more ? last.subList(1, last.size()) : last, more);
      }
    }
  }

  /**
   * JSON's {@code ready}: listening, history loaded, and findable: registered with a tracker, or
   * known that no tracker answers for now ({@code "tracker"} says which; absent with no tracker
   * configured, where nothing mentions trackers), so a script that waits for it can tell others to
   * come.
   */
  @Override
  public void findable(PeerView peer, Findable how) {
    if (json) {
      Json ready =
          Json.event("ready")
              .put("peer", peer.self().hex())
              .put("nick", peer.nick())
              .put("room", peer.room())
              .put("port", peer.port());
      if (how != Findable.NO_TRACKER) {
        ready.put("tracker", how.name().toLowerCase(Locale.ROOT));
      }
      screen.println(ready.toString());
    }
  }

  @Override
  public void delivered(Delivery d) {
    shown++; // one writer: the room thread
    ChatMessage m = d.message();
    if (m.isNickChange()) {
      nickChanged(d);
      return;
    }
    if (json) {
      Json j = late(timelineEvent("message", d).put("text", m.text()), d);
      screen.println(
          j.put("catch_up", d.catchUp())
              .put("incomplete", d.incomplete())
              .put("equivocating", d.disputed())
              .put("wall_time_ms", m.wallTimeMs())
              .toString());
    } else if (d.catchUp()) {
      history.caughtUp(d);
    } else {
      history.flush(); // what a catch-up brought goes above what is live
      screen.println(line(m, d.late(), d.after(), d.incomplete(), d.disputed()));
    }
  }

  /** The fields every timeline event starts with, in the order scripts read them. */
  private Json timelineEvent(String event, Delivery d) {
    ChatMessage m = d.message();
    NickBook.Label who = names.seen(m.origin(), m.nick());
    return Json.event(event)
        .put("id", m.id().toString())
        .put("origin", m.origin().hex())
        .put("seq", m.seq())
        .put("lamport", m.lamport())
        .put("nick", m.nick())
        .put("display_nick", who.text())
        .put("trusted", who.trusted());
  }

  /** Whether {@code d} sorts above lines already shown, and the one it belongs after. */
  private static Json late(Json j, Delivery d) {
    j.put("late", d.late());
    if (d.late()) {
      j.put("after", d.after() == null ? null : d.after().toString());
    }
    return j;
  }

  /**
   * A signed nick change, in its place in the timeline: the linked peer's nick (for /peers and
   * completion) follows it; the line names the nick it replaces when this session knows it.
   */
  private void nickChanged(Delivery d) {
    ChatMessage m = d.message();
    boolean own = m.origin().equals(self);
    String old = own ? ownNick : nicks.get(m.origin());
    if (own) {
      ownNick = m.nick();
    } else if (old != null && !d.catchUp()) {
      nicks.put(m.origin(), m.nick());
    }
    if (json) {
      Json j = late(timelineEvent("nick", d), d);
      screen.println(j.put("catch_up", d.catchUp()).put("wall_time_ms", m.wallTimeMs()).toString());
    } else if (d.catchUp()) {
      history.caughtUp(d);
    } else {
      history.flush();
      String line = line(m, d.late(), d.after(), d.incomplete(), d.disputed());
      String key = "* " + m.origin().shortHex() + " ";
      if (old != null && !old.equals(m.nick()) && line.contains(key)) {
        // the old nick labelled as lines label it (rev31 FINDING-3: a stranger whose Hello said
        // alice read "* alice (7c01aa00) is now known as mallory", alice renaming herself)
        line =
            line.replace(
                key, "* " + names.peek(m.origin(), old) + " (" + m.origin().shortHex() + ") ");
      }
      screen.println(line);
    }
  }

  /** One message as a person reads it, also used by /history. */
  String line(ChatMessage m, boolean late, MessageId after, boolean incomplete) {
    return line(m, late, after, incomplete, false);
  }

  /**
   * As above; {@code disputed}: its author is proven to have signed two histories from this seq or
   * below, so the message is marked and nobody passes it on.
   */
  String line(ChatMessage m, boolean late, MessageId after, boolean incomplete, boolean disputed) {
    String time = TIME.format(Instant.ofEpochMilli(m.wallTimeMs()));
    if (m.isNickChange()) {
      return time
          + " * "
          + m.origin().shortHex()
          + " is now known as "
          + Names.text(names.seen(m.origin(), m.nick()))
          + marks(late, after, incomplete, disputed);
    }
    return time
        + ' '
        + Names.text(names.seen(m.origin(), m.nick()))
        + ": "
        + m.text()
        + marks(late, after, incomplete, disputed);
  }

  /** What a line says after the text: late, incomplete, disputed. */
  static String marks(boolean late, MessageId after, boolean incomplete, boolean disputed) {
    StringBuilder sb = new StringBuilder();
    if (late) {
      sb.append("   (late: belongs ")
          .append(
              after == null ? "first" : "after " + after.origin().shortHex() + ":" + after.seq())
          .append(')');
    }
    if (incomplete) {
      sb.append("   (incomplete: earlier messages still missing)");
    }
    if (disputed) {
      sb.append("   ⚠ disputed: its author signed two different histories");
    }
    return sb.toString();
  }

  @Override
  public void notice(RoomNotice n) {
    if (n instanceof RoomNotice.CaughtUp c) {
      if (json) {
        screen.println(Json.event("caught-up").put("count", c.count()).toString());
      } else {
        history.flush();
      }
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
    } else if (n instanceof RoomNotice.Equivocated e) {
      out(
          Json.event("equivocation").put("origin", e.origin().hex()).put("seq", e.seq()),
          "* ⚠ peer "
              + e.origin().shortHex()
              + " signed two different histories (they differ at #"
              + e.seq()
              + "): its messages from #"
              + e.seq()
              + " on are disputed, marked ⚠ and not passed on");
    } else if (n instanceof RoomNotice.Completed c) {
      out(
          Json.event("completed").put("id", c.id().toString()),
          "* message " + c.id().origin().shortHex() + ":" + c.id().seq() + " is now complete");
    } else if (n instanceof RoomNotice.Held h) {
      watch.held(h.id());
      if (json) {
        screen.println(
            Json.event("delivered")
                .put("id", h.id().toString())
                .put("holder", h.holder().hex())
                .put("holder_nick", nicks.get(h.holder()))
                .toString());
      }
    } else if (n instanceof RoomNotice.Seen s) {
      if (json) {
        screen.println(seen(s).toString()); // on screen, /status tells it: each change is noise
      }
    } else if (n instanceof RoomNotice.OwnRecovered r) {
      out(
          Json.event("own-recovered").put("count", r.count()).put("last_seq", r.lastSeq()),
          "* the room had "
              + r.count()
              + " of your messages this data dir lacked (restored from an old copy?);"
              + " took them back, continuing after #"
              + r.lastSeq());
    } else if (n instanceof RoomNotice.Unsigned u) {
      out(
          Json.event("unsigned").put("peer", u.author().hex()).put("lines", u.lines()),
          "* "
              + u.lines()
              + " line(s) shown from "
              + u.author().shortHex()
              + " were never signed by it: not kept");
    } else if (n instanceof RoomNotice.OverQuota q) {
      out(
          Json.event("over-quota")
              .put("peer", q.author().hex())
              .put("seq", q.seq())
              .put("limit", q.limit()),
          "* peer "
              + q.author().shortHex()
              + " wrote more than "
              + q.limit()
              + " bytes within a day: its lines from #"
              + q.seq()
              + " on are not kept here (--author-quota); asked for again as the day moves on");
    } else if (n instanceof RoomNotice.BadInput b) {
      out(
          Json.event("bad-input").put("peer", b.peer().hex()).put("reason", b.reason()),
          "* dropped link to " + b.peer().shortHex() + ": " + b.reason());
    }
  }

  /** JSON's {@code seen}: how many of the peers linked now hold an own message. */
  static Json seen(RoomNotice.Seen s) {
    return Json.event("seen")
        .put("id", s.id().toString())
        .put("holders", s.holders())
        .put("linked", s.linked());
  }

  @Override
  public void peerUp(PeerId peer, String nick) {
    peers++;
    nicks.put(peer, nick);
    NickBook.Label who = names.seen(peer, nick); // the Hello is bound to the key by TLS
    out(
        Json.event("peer-up")
            .put("peer", peer.hex())
            .put("nick", nick)
            .put("display_nick", who.text())
            .put("trusted", who.trusted()),
        "* " + Names.text(who) + " (" + peer.shortHex() + ") is here");
    screen.promptChanged();
  }

  @Override
  public void peerDown(PeerId peer, String nick) {
    peers = Math.max(0, peers - 1);
    nicks.remove(peer);
    out(
        Json.event("peer-down").put("peer", peer.hex()).put("nick", nick),
        "* " + names.peek(peer, nick) + " (" + peer.shortHex() + ") is gone");
    screen.promptChanged();
  }

  /**
   * The first time this session that {@code peer} uses a nick first seen with another key: says so
   * once; its lines stay marked until /trust.
   */
  void nickWarning(PeerId peer, NickBook.Label l, List<String> known) {
    out(
        Json.event("nick-warning")
            .put("peer", peer.hex())
            .put("nick", l.nick())
            .put("display_nick", l.text())
            .put("looks_like", l.heldAs())
            .put("known", String.join(",", known)),
        "* warning: "
            + l.text()
            + " ("
            + peer.shortHex()
            + (NickBook.key(l.nick()).equals(NickBook.key(l.heldAs()))
                ? ") is not the " + l.nick() + " first seen here"
                : ") looks like "
                    + l.heldAs()
                    + " and is not the "
                    + l.heldAs()
                    + " first seen here")
            + (known.isEmpty() ? "" : " (" + String.join(", ", known) + ")")
            + "; its lines are marked"
            + Names.UNKNOWN
            + " until /trust "
            + l.nick()
            + " (/whois "
            + l.nick()
            + " shows the keys)");
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
