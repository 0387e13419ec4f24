package meshchat.testkit.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;

/**
 * A hostile member's second history: from seq {@code from} on, every message it writes has a twin
 * with other text, chained and signed as validly as the first. The member's room writes and signs
 * the first history as an honest room does; what goes to the links on "side B" is rewritten here,
 * live chats, heads and history batches alike, so that each side holds one validly signed history.
 */
final class Equivocator {
  private final PeerId self;
  private final MessageSigner signer;
  private final MessageStore store;
  private final long from;
  private final Map<Long, ChatMessage> twins = new HashMap<>();

  Equivocator(PeerId self, MessageSigner signer, MessageStore store, long from) {
    this.self = self;
    this.signer = signer;
    this.store = store;
    this.from = from;
  }

  /** {@code m} as side B sees it. */
  LinkMessage rewrite(LinkMessage m) {
    if (m instanceof LinkMessage.Chat c) {
      return new LinkMessage.Chat(twin(c.message()));
    } else if (m instanceof LinkMessage.Head h) {
      return new LinkMessage.Head(twin(h.head()));
    } else if (m instanceof LinkMessage.SyncBatch b) {
      List<ChatMessage> messages = new ArrayList<>(b.messages().size());
      b.messages().forEach(x -> messages.add(twin(x)));
      List<ChainHead> heads = new ArrayList<>(b.heads().size());
      b.heads().forEach(h -> heads.add(twin(h)));
      return new LinkMessage.SyncBatch(b.requestId(), messages, b.done(), heads);
    }
    return m;
  }

  private ChainHead twin(ChainHead h) {
    if (!h.origin().equals(self) || h.seq() < from) {
      return h;
    }
    ChatMessage first = store.get(new MessageId(self, h.seq())).orElse(null);
    return first == null ? h : signer.signHead(self, h.seq(), signer.hash(twin(first)));
  }

  private ChatMessage twin(ChatMessage m) {
    if (!m.origin().equals(self) || m.seq() < from) {
      return m;
    }
    ChatMessage known = twins.get(m.seq());
    if (known != null) {
      return known;
    }
    byte[] prev = m.prev();
    if (m.seq() > from) {
      ChatMessage below = store.get(new MessageId(self, m.seq() - 1)).orElse(null);
      if (below == null) {
        return m;
      }
      prev = signer.hash(twin(below));
    }
    ChatMessage t =
        new ChatMessage(m.id(), m.lamport(), m.wallTimeMs(), m.nick(), m.text() + " (B)", m.deps())
            .chained(prev);
    twins.put(m.seq(), t);
    return t;
  }
}
