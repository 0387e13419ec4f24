/**
 * The testkit: many peers in one process. {@link meshchat.testkit.SimCluster} runs the real room
 * core over a simulated network in virtual time; {@code check} judges the recorded histories;
 * {@code sim} is the command line; {@code report} draws a run.
 */
package meshchat.testkit;
