package meshchat.peer.store.memory;

import meshchat.peer.store.MessageStore;
import meshchat.peer.store.MessageStoreContract;

/** The packed store (messages in an arena, made again when read) keeps the contract. */
class PackedMessageStoreTest extends MessageStoreContract {
  @Override
  protected MessageStore create() {
    return new PackedMessageStore();
  }

  @Override
  protected MessageStore restart(MessageStore old) {
    return old;
  }
}
