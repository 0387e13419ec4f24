package meshchat.tracker.directory;

import java.util.List;

/**
 * A membership change and the sessions that must hear about it. The directory decides who is told;
 * the network layer only routes.
 */
public record Change(RoomEvent event, List<SessionId> recipients) {
  public Change {
    recipients = List.copyOf(recipients);
  }
}
