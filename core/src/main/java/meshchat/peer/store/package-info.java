/**
 * Step ⑥ of the flow (discovery → link → frame → message → clock → store → display): what a peer
 * remembers. {@link meshchat.peer.store.MessageStore} is the contract the room relies on: write
 * before send, fork detection, holdings for anti-entropy, canonical-order reads. Two
 * implementations share one contract test: sqlite/ (the product) and memory/ (the simulation).
 */
package meshchat.peer.store;
