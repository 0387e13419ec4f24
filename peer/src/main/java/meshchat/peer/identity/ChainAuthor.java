package meshchat.peer.identity;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.MessageSigner;

/**
 * An author writing chained messages and signing heads outside a room, as {@code Room} does: for
 * benchmarks that prefill a history, the fuzzer's seeds and tests.
 */
public final class ChainAuthor {
  private final Identity identity;
  private final MessageSigner signer;
  private final List<ChatMessage> written = new ArrayList<>();
  private byte[] tip = new byte[ChatMessage.HASH_BYTES];

  public ChainAuthor(Identity identity, String room) {
    this.identity = identity;
    this.signer = MessageSigning.signer(identity, room);
  }

  /** The author's next message (seq and lamport count up from 1). */
  public ChatMessage next(String text) {
    long seq = written.size() + 1;
    return next(seq, 1_000L + seq, "n", text, List.of());
  }

  /** The author's next message, every field but seq and prev chosen by the caller. */
  public ChatMessage next(
      long lamport, long wallTimeMs, String nick, String text, List<MessageId> deps) {
    long seq = written.size() + 1;
    return link(
        new ChatMessage(
            new MessageId(identity.peerId(), seq), lamport, wallTimeMs, nick, text, deps));
  }

  /** The author's next message: a change of its nick to {@code nick}. */
  public ChatMessage nickChange(long lamport, long wallTimeMs, String nick, List<MessageId> deps) {
    long seq = written.size() + 1;
    return link(
        ChatMessage.nickChange(
            new MessageId(identity.peerId(), seq), lamport, wallTimeMs, nick, deps));
  }

  private ChatMessage link(ChatMessage unchained) {
    ChatMessage m = unchained.chained(tip);
    tip = signer.hash(m);
    written.add(m);
    return m;
  }

  /** The signed head of the latest message. */
  public ChainHead head() {
    return signer.signHead(identity.peerId(), written.size(), tip);
  }

  public List<ChatMessage> written() {
    return List.copyOf(written);
  }

  public Identity identity() {
    return identity;
  }
}
