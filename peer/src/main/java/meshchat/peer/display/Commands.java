package meshchat.peer.display;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.peer.nick.NickBook;
import meshchat.peer.room.RoomNotice;
import meshchat.peer.runtime.LinkInfo;
import meshchat.peer.runtime.PeerNode;

/**
 * What one typed line does: a /command, or a message to the room. Sending hands the text to the
 * room thread and returns at once; queries wait briefly for the room thread's answer.
 */
public final class Commands {
  static final String HELP =
      String.join(
          "\n",
          "/help          this list",
          "/peers         links: nick, id, address, state, round trip",
          "/who           room members known from the tracker",
          "/nick NAME     change your nick: a signed event every peer shows in the same place",
          "/whois NICK    the full key fingerprint(s) behind a nick, and which are trusted",
          "/trust NICK [FINGERPRINT]  accept a key for NICK that is not the one first seen",
          "/history [N]   the last N messages (default 20) in canonical order; again: earlier",
          "/status        per-peer sync lag, held-back messages, limits hit, and how many"
              + " linked peers hold each of your latest messages",
          "/quit          leave (also Ctrl-D)");

  /** Every command, for Tab. */
  static final List<String> NAMES =
      List.of(
          "/help",
          "/peers",
          "/who",
          "/nick",
          "/whois",
          "/trust",
          "/history",
          "/status",
          "/quit",
          "/exit");

  private final PeerNode node;
  private int pageSize = 20;

  /** The oldest line of the last /history page: the next page ends just before it. */
  private ChatMessage pageCursor;

  private long pagedAt = -1;
  private final ChatView view;
  private final Screen screen;
  private final boolean json;

  public Commands(PeerNode node, ChatView view, Screen screen, boolean json) {
    this.node = node;
    this.view = view;
    this.screen = screen;
    this.json = json;
  }

  /** Runs one line; false means quit. */
  public boolean run(String line) {
    String s = line.strip();
    if (s.isEmpty()) {
      return true;
    }
    if (!s.startsWith("/")) {
      send(line);
      return true;
    }
    if (s.startsWith("//")) {
      send(s.substring(1)); // "//etc/hosts is wrong" sends "/etc/hosts is wrong", as in irssi
      return true;
    }
    String[] parts = s.split("\\s+", 2);
    String arg = parts.length > 1 ? parts[1].strip() : "";
    try {
      switch (parts[0].toLowerCase(Locale.ROOT)) {
        case "/quit", "/exit" -> {
          return false;
        }
        case "/help" -> HELP.lines().forEach(this::say);
        case "/peers" -> peers();
        case "/who" -> who();
        case "/nick" -> nick(arg);
        case "/whois" -> whois(arg);
        case "/trust" -> trust(arg);
        case "/history" -> history(arg);
        case "/status" -> status();
        default -> view.error("unknown command " + parts[0] + "; /help lists them");
      }
    } catch (Exception e) {
      view.error(parts[0] + " failed: " + e.getMessage());
    }
    return true;
  }

  /** An input line that is not sent, with why: one error line, as a refused message gets. */
  public void refuse(String why) {
    view.error(why);
  }

  private void send(String text) {
    try {
      view.watch().sending(node.send(text));
    } catch (IllegalArgumentException e) {
      view.error(e.getMessage()); // refused whole, never cut
    }
  }

  private void peers() throws Exception {
    List<LinkInfo> links = node.links().get(2, TimeUnit.SECONDS);
    if (links.isEmpty()) {
      say("no links yet");
    }
    Map<PeerId, String> current = view.nicks(); // after any /nick
    for (LinkInfo l : links) {
      say(
          String.format(
              "%-12s %s  %s  %s%s  rtt %s  lag %d",
              view.names().peek(l.peer(), current.getOrDefault(l.peer(), l.nick())),
              l.peer().shortHex(),
              address(l.address()),
              l.open() ? "up" : "closing",
              l.dialedByUs() ? " (dialed)" : " (accepted)",
              l.rttMillis() < 0 ? "?" : l.rttMillis() + " ms",
              l.lag()));
    }
  }

  /** {@code 10.0.0.7:7001}: an InetSocketAddress prints a stray "/" (or "host/") before it. */
  static String address(InetSocketAddress a) {
    if (a == null) {
      return "?";
    }
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  private void who() throws Exception {
    List<PeerAddress> members = node.members().get(2, TimeUnit.SECONDS);
    Map<PeerId, Long> liars = new HashMap<>(node.equivocators().get(2, TimeUnit.SECONDS));
    if (members.isEmpty()) {
      say("no members known from the tracker");
    }
    for (PeerAddress m : members) {
      Long at = liars.remove(m.peerId());
      say(
          String.format(
                  "%-12s %s  %s:%d",
                  view.names().peek(m.peerId(), m.nick()),
                  m.peerId().shortHex(),
                  Visible.of(m.host()),
                  m.port())
              + (at == null ? "" : equivocating(at)));
    }
    liars.forEach(
        (id, at) -> say(String.format("%-12s %s", "?", id.shortHex()) + equivocating(at)));
  }

  private static String equivocating(long at) {
    return "  ⚠ equivocating: signed two histories (its messages from #" + at + " are disputed)";
  }

  private void nick(String name) {
    if (name.isEmpty() || name.length() > 32 || name.chars().anyMatch(Character::isISOControl)) {
      view.error("a nick is 1..32 printable characters");
      return;
    }
    try {
      // shown as the room shows it, once authored: "* 3f2a9c1e is now known as NAME"
      view.watch().sending(node.setNick(name));
    } catch (IllegalArgumentException e) {
      view.error(e.getMessage());
    }
  }

  private void whois(String nick) {
    if (nick.isEmpty()) {
      view.error("/whois takes a nick");
      return;
    }
    view.names().whois(nick).forEach(this::say);
  }

  /** {@code /trust NICK [FINGERPRINT]}: the nick may contain spaces; a fingerprint is hex. */
  private void trust(String arg) {
    String nick = arg;
    String prefix = "";
    int sp = arg.lastIndexOf(' ');
    if (sp > 0 && arg.substring(sp + 1).matches("[0-9a-fA-F]{4,}")) {
      nick = arg.substring(0, sp).strip();
      prefix = arg.substring(sp + 1);
    }
    if (nick.isEmpty()) {
      view.error("/trust takes a nick, and a fingerprint if several keys use it");
      return;
    }
    NickBook.Trusted t = view.names().trust(nick, prefix);
    if (t.problem() != null) {
      view.error(t.problem());
    } else {
      say(Names.trusted(nick, t));
    }
  }

  /**
   * {@code /history N}: the last N messages; {@code /history} again pages further back, N at a
   * time, until something new arrives.
   */
  private void history(String arg) throws Exception {
    if (!arg.isEmpty()) {
      int n;
      try {
        n = Integer.parseInt(arg);
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > 100_000) {
        view.error("/history takes a number of messages, 1..100000");
        return;
      }
      pageSize = n;
      pageCursor = null;
    } else if (pagedAt != view.shownCount()) {
      pageCursor = null; // something new arrived: start again from the newest
    }
    pagedAt = view.shownCount();
    // a line more than the page: the room fills a page unless the history ends, so that line says
    // whether anything is earlier (rev33: a full page that was the whole history promised more,
    // and a page the room left short said nothing)
    List<ChatMessage> page = node.history(pageCursor, pageSize + 1).get(5, TimeUnit.SECONDS);
    boolean earlier = page.size() > pageSize;
    if (earlier) {
      page = page.subList(page.size() - pageSize, page.size());
    }
    if (page.isEmpty()) {
      say("no earlier messages");
      return;
    }
    pageCursor = page.get(0);
    // proven equivocators: origin -> the lowest disputed seq, marked as the live view marks it
    Map<PeerId, Long> disputedFrom = node.equivocators().get(5, TimeUnit.SECONDS);
    for (ChatMessage m : page) {
      Long from = disputedFrom.get(m.origin());
      say(view.line(m, false, null, false, from != null && m.seq() >= from));
    }
    if (earlier) {
      say(Scrollback.divider("/history again for earlier"));
    }
  }

  private void status() throws Exception {
    List<LinkInfo> links = node.links().get(2, TimeUnit.SECONDS);
    int held = node.inspect(r -> r.heldBackCount()).get(2, TimeUnit.SECONDS);
    say(links.size() + " links, " + held + " messages waiting for earlier ones");
    say("limits hit: " + node.counters());
    Map<PeerId, String> current = view.nicks(); // after any /nick
    for (LinkInfo l : links) {
      say(
          "  "
              + statusLine(
                  view.names().peek(l.peer(), current.getOrDefault(l.peer(), l.nick())), l));
    }
    List<RoomNotice.Seen> seen = node.inspect(r -> r.seenBy()).get(2, TimeUnit.SECONDS);
    for (RoomNotice.Seen s : seen) {
      if (json) {
        screen.println(ChatView.seen(s).toString());
      } else {
        say("  your #" + s.id().seq() + ": " + seenLine(s));
      }
    }
  }

  /** "seen by 2 of 3 peers", as Signal's ticks: of the peers linked now, who holds it. */
  static String seenLine(RoomNotice.Seen s) {
    return "seen by "
        + s.holders()
        + " of "
        + s.linked()
        + (s.linked() == 1 ? " linked peer" : " linked peers");
  }

  /**
   * One peer's lag and sync progress: "bob 1a2b3c4d: 700 behind, synced 300/1000 (30%)". {@code
   * label}: the peer's nick as lines show it ({@link Names#text}), never the raw Hello nick.
   */
  static String statusLine(String label, LinkInfo l) {
    String who = label + " " + l.peer().shortHex() + ": ";
    if (l.lag() == 0) {
      return who + "in sync" + (l.synced() > 0 ? " (" + l.synced() + " messages synced)" : "");
    }
    return who
        + l.lag()
        + " messages behind, synced "
        + l.synced()
        + "/"
        + (l.synced() + l.lag())
        + " ("
        + l.syncPercent()
        + "%)";
  }

  /**
   * One line, whole: a peer's text or nick in it may hold a line break, which the console shows
   * escaped on this line (rev30: split here first, it drew a line of its own, such as "12:05 alice:
   * ..."). Only our own multi-line text (the help) is split, by its caller.
   */
  private void say(String line) {
    screen.println(json ? Json.event("info").put("message", line).toString() : line);
  }
}
