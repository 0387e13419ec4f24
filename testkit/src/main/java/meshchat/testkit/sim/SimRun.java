package meshchat.testkit.sim;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import meshchat.fixture.net.Delay;
import meshchat.testkit.SimCluster;
import meshchat.testkit.check.CheckReport;
import meshchat.testkit.check.History;
import meshchat.testkit.check.InvariantChecker;
import meshchat.testkit.metrics.Convergence;

/** Lays a {@link SimPlan} out in virtual time, runs it, and checks the result. */
public final class SimRun {
  /** What a run produced. {@code convergeMs} is -1 when there was no fault or no convergence. */
  public record Result(
      SimPlan plan,
      SimCluster cluster,
      History history,
      CheckReport check,
      boolean quiet,
      long lastFaultMs,
      long convergeMs) {}

  private SimRun() {}

  /** Virtual time between two progress looks: cheap, and the run is the same with or without. */
  private static final long STEP_MS = 100;

  public static Result run(SimPlan plan) {
    return run(plan, Progress.NONE, c -> {});
  }

  public static Result run(SimPlan plan, Progress progress) {
    return run(plan, progress, c -> {});
  }

  /** As {@link #run(SimPlan)}, with {@code extra} events laid out too (before the run starts). */
  public static Result run(SimPlan plan, Progress progress, Consumer<SimCluster> extra) {
    SimCluster c = new SimCluster(plan.config());
    c.start(plan.peers());
    // The workload has its own random stream, so adding a fault never moves a send.
    SplittableRandom workload = new SplittableRandom(plan.config().seed() ^ 0x5DEECE66DL);
    long sendEnd = plan.startMs() + plan.windowMs();
    if (plan.ratePerSecond() > 0) {
      long total = Math.round(plan.ratePerSecond() * plan.windowMs() / 1000.0);
      for (long k = 0; k < total; k++) {
        long t = plan.startMs() + Math.round(k * 1000.0 / plan.ratePerSecond());
        int author = workload.nextInt(plan.peers());
        String text = "m" + k;
        c.atPeer(author, t, () -> c.send(author, text));
      }
    } else {
      for (int i = 0; i < plan.peers(); i++) {
        for (int k = 0; k < plan.messagesPerPeer(); k++) {
          long t = plan.startMs() + workload.nextLong(plan.windowMs());
          int author = i;
          String text = "p" + i + " #" + k;
          c.atPeer(author, t, () -> c.send(author, text));
        }
      }
    }
    long end = sendEnd;
    for (Specs.PartitionSpec p : plan.partitions()) {
      c.at(p.window().fromMs(), () -> c.partition(p.groups()));
      c.at(p.window().toMs(), c::heal);
      end = Math.max(end, p.window().toMs());
    }
    for (Specs.CrashSpec cr : plan.crashes()) {
      c.at(cr.window().fromMs(), () -> c.crash(cr.peer(), !cr.wipe()));
      if (cr.window().toMs() == Long.MAX_VALUE) { // for good: watch what the tree does next
        c.metrics().watchTree(cr.window().fromMs(), cr.window().fromMs() + 1_000);
        end = Math.max(end, cr.window().fromMs());
      } else {
        c.at(cr.window().toMs(), () -> c.restart(cr.peer()));
        end = Math.max(end, cr.window().toMs());
      }
    }
    for (Specs.Window w : plan.trackerOutages()) {
      c.at(w.fromMs(), c::trackerDown);
      c.at(w.toMs(), c::trackerUp);
      end = Math.max(end, w.toMs());
    }
    extra.accept(c);
    // in steps, so that progress can look in between; runUntil(a) then runUntil(b) is runUntil(b)
    while (c.now() < end) {
      c.runFor(Math.min(STEP_MS, end - c.now()));
      progress.tick(c.now(), c.executed(), c.metrics().deliveries());
    }
    long deadline = c.now() + plan.quietLimitMs();
    boolean quiet;
    do {
      quiet = c.runUntilQuiet(Math.min(STEP_MS, deadline - c.now()));
      progress.tick(c.now(), c.executed(), c.metrics().deliveries());
    } while (!quiet && c.now() < deadline);
    progress.done();
    History h = c.finalHistory(); // the run is over: the stores are read, not copied
    long lastFault =
        Convergence.lastFault(c.faults().stream().map(SimCluster.FaultMark::timeMs).toList());
    // On more than one thread, the time to converge (one pass over every live peer's last log) is
    // read beside the checker's serial first passes: both only read the finished history.
    int threads = plan.config().threads();
    FutureTask<Long> converging =
        new FutureTask<>(() -> lastFault < 0 ? -1 : Convergence.after(h, lastFault));
    if (threads > 1 && lastFault >= 0) {
      Thread t = new Thread(converging, "sim-converge");
      t.setDaemon(true);
      t.start();
    } else {
      converging.run();
    }
    CheckReport check = InvariantChecker.check(h, threads);
    long converge = joined(converging);
    return new Result(plan, c, h, check, quiet, lastFault, converge);
  }

  private static long joined(FutureTask<Long> task) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true; // the history is read until it ends: wait for it
        } catch (ExecutionException e) {
          Throwable t = e.getCause();
          if (t instanceof RuntimeException r) {
            throw r;
          }
          if (t instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(t);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Every peer showing every planned message: the 100% of a progress estimate. */
  public static long expectedDeliveries(SimPlan plan) {
    long messages =
        plan.ratePerSecond() > 0
            ? Math.round(plan.ratePerSecond() * plan.windowMs() / 1000.0)
            : (long) plan.peers() * plan.messagesPerPeer();
    return messages * plan.peers();
  }

  /** The Maelstrom broadcast workload: 25 peers, 100 ms links, 100 messages/s for 20 s. */
  public static SimPlan glomers(SimPlan base) {
    return new SimPlan(
        base.config().with(d -> d.faults = d.faults.withDelay(Delay.fixed(100))),
        25,
        0,
        100,
        base.startMs(),
        20_000,
        List.of(),
        List.of(),
        List.of(),
        base.quietLimitMs());
  }
}
