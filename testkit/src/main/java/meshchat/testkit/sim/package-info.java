/**
 * The {@code sim} command: turns flags into a plan (peers, workload, scheduled faults), runs it on
 * a {@link meshchat.testkit.SimCluster}, checks the history and prints a one-screen summary.
 */
package meshchat.testkit.sim;
