/**
 * Step ⑥ of the flow, in memory: the twin of the SQLite store for the simulation and tests, run
 * through the same contract test so that what the simulation proves holds for the product.
 */
package meshchat.peer.store.memory;
