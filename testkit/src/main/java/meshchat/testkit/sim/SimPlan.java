package meshchat.testkit.sim;

import java.util.List;
import meshchat.testkit.SimConfig;

/**
 * One run, fully described: who, how much traffic, and which faults when. With the seed inside
 * {@code config}, a plan determines the run.
 *
 * @param messagesPerPeer each peer sends this many, at uniform random times in the send window
 * @param ratePerSecond if above 0, instead send this many per second in total, evenly spaced, from
 *     random authors (the Maelstrom broadcast workload)
 * @param startMs when sending starts (the mesh forms first)
 * @param windowMs how long sending lasts
 */
public record SimPlan(
    SimConfig config,
    int peers,
    int messagesPerPeer,
    double ratePerSecond,
    long startMs,
    long windowMs,
    List<Specs.PartitionSpec> partitions,
    List<Specs.CrashSpec> crashes,
    List<Specs.Window> trackerOutages,
    long quietLimitMs) {}
