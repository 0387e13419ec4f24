package meshchat.peer.store.memory;

import meshchat.peer.store.MessageStore;
import meshchat.peer.store.MessageStoreContract;

class InMemoryMessageStoreTest extends MessageStoreContract {
  @Override
  protected MessageStore create() {
    return new InMemoryMessageStore();
  }

  /** The simulation's "crash that keeps the store" hands the same instance to the new peer. */
  @Override
  protected MessageStore restart(MessageStore old) {
    return old;
  }
}
