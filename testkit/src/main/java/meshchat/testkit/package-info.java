/**
 * The testkit: many peers in one process. {@link SimCluster} runs the real room core over a
 * simulated network in virtual time; {@code sim} lays a run out and summarises it; {@code check}
 * judges the recorded histories; {@code report} draws a run; {@code app} is the command line.
 */
package meshchat.testkit;
