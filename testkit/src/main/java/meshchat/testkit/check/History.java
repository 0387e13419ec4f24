package meshchat.testkit.check;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/**
 * A recorded run: every peer's history and every message sent.
 *
 * @param sent every message a peer authored, in send order
 */
public record History(List<PeerHistory> peers, List<Sent> sent) {

  /**
   * A message as its author sent it.
   *
   * @param author index into {@link #peers}
   * @param authorStoreKept the store the author sent it from still exists at the end; if it was
   *     wiped before the message spread, the loss is blamed on the fault, not on the protocol
   */
  public record Sent(MessageId id, int author, long timeMs, boolean authorStoreKept) {}

  /** Short labels for people: {@code p3:7} rather than 32 hex digits and a seq. */
  public Labels labels() {
    Map<PeerId, String> names = new HashMap<>();
    for (PeerHistory p : peers) {
      names.put(p.id(), p.name());
    }
    return new Labels(names);
  }

  public static final class Labels {
    private final Map<PeerId, String> names;

    Labels(Map<PeerId, String> names) {
      this.names = names;
    }

    public String of(PeerId id) {
      return names.getOrDefault(id, id.shortHex());
    }

    public String of(MessageId id) {
      return of(id.origin()) + ":" + id.seq();
    }
  }
}
