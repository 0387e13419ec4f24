package meshchat.peer.runtime;

import java.net.InetSocketAddress;
import meshchat.peer.message.PeerId;

/**
 * One up link, for {@code /peers}.
 *
 * @param rttMillis the latest Ping→Pong round trip, or -1 before the first
 * @param lag messages the peer holds that we lack (from its digests)
 * @param synced messages taken from this link by anti-entropy since it came up
 */
public record LinkInfo(
    PeerId peer,
    String nick,
    InetSocketAddress address,
    boolean dialedByUs,
    boolean open,
    long rttMillis,
    long lag,
    long synced) {
  /** Percent of this link's catch-up done: 100 when nothing is lacking. */
  public int syncPercent() {
    long total = synced + lag;
    return total == 0 ? 100 : (int) (100 * synced / total);
  }
}
