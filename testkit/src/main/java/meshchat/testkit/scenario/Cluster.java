package meshchat.testkit.scenario;

import java.util.List;
import java.util.Set;
import meshchat.testkit.check.History;

/**
 * A group of peers in one room, driven by verbs that tell the story of a test (after MicroRaft's
 * LocalRaftGroup). Peers are numbered from 0 in start order. Implementations: the simulation
 * ({@code SimCluster}, virtual time) and real sockets ({@code NettyCluster}, real time).
 */
public interface Cluster extends AutoCloseable {
  /** Starts {@code n} more peers; they find each other through the tracker. */
  void start(int n);

  int size();

  /** Peer {@code peer} sends {@code text}; ignored if it is down. */
  void send(int peer, String text);

  /** Splits the peers into groups that cannot reach each other; unlisted peers form one more. */
  void partition(List<Set<Integer>> groups);

  void heal();

  /** Stops a peer dead; {@code keepStore=false} also wipes its data directory. */
  void crash(int peer, boolean keepStore);

  void restart(int peer);

  void trackerDown();

  void trackerUp();

  void runFor(long ms);

  /** Runs until nothing is left to exchange and all live peers agree; false at the deadline. */
  boolean runUntilQuiet(long maxMs);

  /** What every peer showed and stored so far, for the checker. */
  History history();

  @Override
  default void close() {}
}
