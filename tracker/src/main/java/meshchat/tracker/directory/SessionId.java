package meshchat.tracker.directory;

/** One tracker session (one TCP connection). Registrations belong to sessions. */
public record SessionId(long value) {
  @Override
  public String toString() {
    return "s" + value;
  }
}
