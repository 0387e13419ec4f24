/**
 * The invariant checker: the last step of a run. It reads what every peer showed (its delivery log,
 * with flags) and what it stored, and says which of convergence, agreement, causality, FIFO, no
 * loss, no duplicate and no fork held. It knows nothing of how the history was produced, so the
 * same checker judges simulated runs, real-socket runs and hand-made broken histories.
 */
package meshchat.testkit.check;
