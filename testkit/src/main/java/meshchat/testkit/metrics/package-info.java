/**
 * Run metrics: messages, deliveries, network cost per chat message, delivery latency in virtual
 * time (HdrHistogram) and the convergence timeline sampled during the run.
 */
package meshchat.testkit.metrics;
