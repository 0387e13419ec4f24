package meshchat.peer.display;

/** Where event lines go: stdout for a pipe, above the input line for a terminal. */
public interface Screen {
  /** Prints one line; callable from any thread. */
  void println(String line);

  /** The room or the peer count changed: terminals redraw their prompt. */
  default void promptChanged() {}
}
