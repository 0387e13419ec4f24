/** The in-memory twin of the store, for the simulation and the tests. */
package meshchat.peer.store.memory;
