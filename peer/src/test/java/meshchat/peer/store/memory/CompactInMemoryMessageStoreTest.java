package meshchat.peer.store.memory;

import meshchat.peer.store.MessageStore;
import meshchat.peer.store.MessageStoreContract;

/** The compact form (each message kept as one array, made again when read) keeps the contract. */
class CompactInMemoryMessageStoreTest extends MessageStoreContract {
  @Override
  protected MessageStore create() {
    return InMemoryMessageStore.compact();
  }

  @Override
  protected MessageStore restart(MessageStore old) {
    return old;
  }
}
