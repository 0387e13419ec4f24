/**
 * Step ⑥ of the flow: one room's durable history as one peer holds it, behind the {@link
 * meshchat.peer.store.MessageStore} interface.
 */
package meshchat.peer.store;
