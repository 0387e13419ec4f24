package meshchat.peer.display;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.room.Delivery;

/**
 * History on screen, as weechat and irssi show it: at start the last N stored messages under a
 * divider, and after a catch-up the last N messages it brought, in canonical order, under a line
 * that says how many more there are ({@code ── 31 earlier messages · /history for all ──}).
 * Catch-up messages are held until their round ends, then shown together; only the last N are kept
 * meanwhile, so a catch-up of a million messages costs N lines of memory. Room thread only.
 */
final class Scrollback {
  private final int size;
  private final Consumer<String> out;
  private final Deque<Delivery> caught = new ArrayDeque<>();
  private long caughtCount;
  private final ChatView view;

  Scrollback(int size, Consumer<String> out, ChatView view) {
    this.size = size;
    this.out = out;
    this.view = view;
  }

  /** The last messages of the stored history, oldest first, shown once at start. */
  void start(List<ChatMessage> last, boolean more) {
    if (last.isEmpty() || size == 0) {
      return;
    }
    out.accept(
        divider(
            "last "
                + last.size()
                + (last.size() == 1 ? " message" : " messages")
                + (more ? " · /history for more" : "")));
    for (ChatMessage m : last) {
      out.accept(view.line(m, false, null, false));
    }
    out.accept(divider("now"));
  }

  /** A message that arrived by catch-up: shown when its round ends. */
  void caughtUp(Delivery d) {
    caughtCount++;
    caught.addLast(d);
    if (caught.size() > size) {
      caught.removeFirst();
    }
  }

  /** The catch-up round is over (or a live message came): shows what it brought. */
  void flush() {
    if (caughtCount == 0) {
      return;
    }
    long hidden = caughtCount - caught.size();
    out.accept(
        divider(
            hidden > 0
                ? hidden + " earlier messages · /history for all"
                : "caught up " + caughtCount + (caughtCount == 1 ? " message" : " messages")));
    List<Delivery> shown = new ArrayList<>(caught);
    shown.sort(Comparator.comparing(d -> d.message().timestamp()));
    for (Delivery d : shown) {
      out.accept(view.line(d.message(), d.late(), d.after(), d.incomplete(), d.disputed()));
    }
    caught.clear();
    caughtCount = 0;
  }

  static String divider(String text) {
    return "── " + text + " ──";
  }
}
