package meshchat.peer.frame;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.Hosts;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.proto.v1.Membership;

/**
 * The membership family of the link protocol ({@code LinkFrame.membership}, field 17) to and from
 * domain records; {@link LinkCodec} delegates here. Every bound a stranger could push is checked on
 * the way in: an IllegalArgumentException becomes a Close INVALID_MESSAGE in the codec.
 */
final class MembershipFrames {
  /** Most peers in one Shuffle or ShuffleReply (an honest one carries at most 9). */
  static final int MAX_SHUFFLE_PEERS = 16;

  /** Largest walk length on the wire (honest walks are at most 6 hops). */
  static final int MAX_TTL = 255;

  private MembershipFrames() {}

  static LinkMessage.ViewMessage fromWire(Membership w) {
    switch (w.getBodyCase()) {
      case JOIN:
        return new LinkMessage.Join();
      case FORWARD_JOIN:
        if (!w.getForwardJoin().hasPeer()) {
          throw new IllegalArgumentException("forward-join without a peer");
        }
        return new LinkMessage.ForwardJoin(
            peer(w.getForwardJoin().getPeer()), ttl(w.getForwardJoin().getTtl()));
      case NEIGHBOR:
        return new LinkMessage.Neighbor(w.getNeighbor().getHigh());
      case SHUFFLE:
        if (w.getShuffle().getPeersCount() == 0) {
          throw new IllegalArgumentException("shuffle without peers");
        }
        return new LinkMessage.Shuffle(
            ttl(w.getShuffle().getTtl()), peers(w.getShuffle().getPeersList()));
      case SHUFFLE_REPLY:
        return new LinkMessage.ShuffleReply(peers(w.getShuffleReply().getPeersList()));
      case BODY_NOT_SET:
      default:
        throw new LinkFrameException(
            LinkMessage.CloseReason.PROTOCOL_ERROR, "membership frame with no known body");
    }
  }

  static Membership toWire(LinkMessage.ViewMessage m) {
    Membership.Builder b = Membership.newBuilder();
    if (m instanceof LinkMessage.Join) {
      b.setJoin(Membership.Join.getDefaultInstance());
    } else if (m instanceof LinkMessage.ForwardJoin f) {
      b.setForwardJoin(Membership.ForwardJoin.newBuilder().setPeer(wire(f.peer())).setTtl(f.ttl()));
    } else if (m instanceof LinkMessage.Neighbor n) {
      b.setNeighbor(Membership.Neighbor.newBuilder().setHigh(n.high()));
    } else if (m instanceof LinkMessage.Shuffle s) {
      Membership.Shuffle.Builder sb = Membership.Shuffle.newBuilder().setTtl(s.ttl());
      s.peers().forEach(a -> sb.addPeers(wire(a)));
      b.setShuffle(sb);
    } else if (m instanceof LinkMessage.ShuffleReply r) {
      Membership.ShuffleReply.Builder rb = Membership.ShuffleReply.newBuilder();
      r.peers().forEach(a -> rb.addPeers(wire(a)));
      b.setShuffleReply(rb);
    }
    return b.build();
  }

  private static int ttl(int wire) {
    if (wire < 0 || wire > MAX_TTL) {
      throw new IllegalArgumentException(
          "ttl out of range: " + Integer.toUnsignedString(wire) + " (allowed 0.." + MAX_TTL + ")");
    }
    return wire;
  }

  private static List<PeerAddress> peers(List<Membership.Peer> wire) {
    if (wire.size() > MAX_SHUFFLE_PEERS) {
      throw new IllegalArgumentException(
          "shuffle peers: " + wire.size() + " is over the limit of " + MAX_SHUFFLE_PEERS);
    }
    List<PeerAddress> out = new ArrayList<>(wire.size());
    for (Membership.Peer p : wire) {
      out.add(peer(p));
    }
    return out;
  }

  private static PeerAddress peer(Membership.Peer p) {
    if (p.getNickBytes().size() > LinkCodec.MAX_NICK_BYTES
        || p.getHostBytes().size() > LinkCodec.MAX_HOST_BYTES) {
      throw new IllegalArgumentException("peer nick or host too long");
    }
    if (!p.getHost().isEmpty() && !Hosts.plausible(p.getHost())) {
      throw new IllegalArgumentException("peer host is not a host name or IP address");
    }
    if (p.getPort() < 1 || p.getPort() > 65_535) {
      throw new IllegalArgumentException(
          "port out of range: " + Integer.toUnsignedString(p.getPort()) + " (allowed 1..65535)");
    }
    // PeerId.of throws IllegalArgumentException unless 1..64 bytes
    return new PeerAddress(
        PeerId.of(p.getPeerId().toByteArray()), p.getNick(), p.getHost(), p.getPort());
  }

  private static Membership.Peer wire(PeerAddress a) {
    return Membership.Peer.newBuilder()
        .setPeerId(ByteString.copyFrom(a.peerId().toBytes()))
        .setNick(a.nick())
        .setHost(a.host())
        .setPort(a.port())
        .build();
  }
}
