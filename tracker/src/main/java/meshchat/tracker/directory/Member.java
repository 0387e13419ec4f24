package meshchat.tracker.directory;

import java.util.Objects;
import meshchat.peer.message.PeerId;

/** One peer's entry in a room, with the address the tracker recorded for it. */
public record Member(PeerId peerId, String nick, String host, int port) {
  public Member {
    Objects.requireNonNull(peerId, "peerId");
    Objects.requireNonNull(nick, "nick");
    Objects.requireNonNull(host, "host");
  }
}
