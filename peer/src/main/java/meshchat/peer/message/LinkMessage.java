package meshchat.peer.message;

import java.util.List;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;

/**
 * What travels on a peer link, as domain records. {@code meshchat.peer.frame.LinkCodec} converts
 * these to and from the wire's {@code LinkFrame}; nothing else sees generated classes.
 */
public sealed interface LinkMessage {

  /** The first message on a link, sent by both sides. */
  record Hello(
      int protocolVersion, PeerId peerId, String nick, String room, int listenPort, long lamport)
      implements LinkMessage {}

  /** A chat message, sent by its author or forwarded. */
  record Chat(ChatMessage message) implements LinkMessage {}

  /** One origin's holdings in a digest. */
  record DigestEntry(PeerId origin, SeqSet held) {}

  /**
   * A summary of the sender's history: every origin if {@code complete}, else only the entries that
   * changed since the sender's previous digest on this link.
   */
  record Digest(List<DigestEntry> entries, boolean complete) implements LinkMessage {
    public Digest {
      entries = List.copyOf(entries);
    }
  }

  /** One range of one origin that a requester wants. */
  record Want(PeerId origin, SeqRange range) {}

  /** Ask for messages; the answer holds at most {@code maxMessages} of them. */
  record SyncRequest(long requestId, List<Want> wants, int maxMessages) implements LinkMessage {
    public SyncRequest {
      wants = List.copyOf(wants);
    }
  }

  /** Part of the answer to a SyncRequest; {@code done} marks the last part. */
  record SyncBatch(long requestId, List<ChatMessage> messages, boolean done)
      implements LinkMessage {
    public SyncBatch {
      messages = List.copyOf(messages);
    }
  }

  record Ping(long nonce) implements LinkMessage {}

  record Pong(long nonce) implements LinkMessage {}

  /** A known room member and where it listens. */
  record PeerAddress(PeerId peerId, String nick, String host, int port) {}

  /** The sender's current links, for peer exchange and for the forwarding rule. */
  record PeerList(List<PeerAddress> peers) implements LinkMessage {
    public PeerList {
      peers = List.copyOf(peers);
    }
  }

  enum CloseReason {
    UNSPECIFIED,
    PROTOCOL_ERROR,
    VERSION_MISMATCH,
    WRONG_ROOM,
    DUPLICATE_LINK,
    SELF_LINK,
    FRAME_TOO_LARGE,
    INVALID_MESSAGE,
    LEAVING,
    IDLE,
    LIMIT_EXCEEDED
  }

  /** The sender is closing the link, and why. */
  record Close(CloseReason reason, String message) implements LinkMessage {}
}
