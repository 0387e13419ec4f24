package meshchat.peer.runtime;

import java.net.InetSocketAddress;
import meshchat.peer.message.PeerId;

/**
 * One up link, for {@code /peers}.
 *
 * @param rttMillis the latest Ping→Pong round trip, or -1 before the first
 * @param lag messages the peer holds that we lack (from its digests)
 */
public record LinkInfo(
    PeerId peer,
    String nick,
    InetSocketAddress address,
    boolean dialedByUs,
    boolean open,
    long rttMillis,
    long lag) {}
