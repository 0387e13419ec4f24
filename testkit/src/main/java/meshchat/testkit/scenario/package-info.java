/**
 * Scenarios as data: a list of steps over the {@link meshchat.testkit.scenario.Cluster} verbs, so
 * one suite runs over the simulation and, later, over real sockets (Ratis runs its behaviour suites
 * over simulated and Netty transports the same way).
 */
package meshchat.testkit.scenario;
