package meshchat.testkit.fuzz;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Runs {@code inputs} generated inputs through every target in turn: link before and after the
 * handshake, tracker before and after Register, and the codec alone. Records the slowest input (a
 * hang shows as a huge maximum) and the first findings, each with the seed and index that reproduce
 * it. "Slowest" is CPU time of the fuzzing thread, where the embedded pipelines run every input: a
 * pathological input shows there, a machine busy with other work does not.
 */
public final class Fuzzer {
  /** The outcome of one run. */
  public record Report(
      long seed,
      long inputs,
      long elapsedMs,
      long slowestMicros,
      long delivered,
      long roomFed,
      List<String> findings) {
    public String toJson() {
      return String.format(
          "{\"fuzz\":\"frames\",\"seed\":%d,\"inputs\":%d,\"elapsed_ms\":%d,"
              + "\"slowest_input_us\":%d,\"link_messages_delivered\":%d,"
              + "\"signed_messages_into_room\":%d,\"findings\":%d}",
          seed, inputs, elapsedMs, slowestMicros, delivered, roomFed, findings.size());
    }
  }

  private Fuzzer() {}

  public static Report run(long seed, long inputs) {
    FuzzTargets targets = new FuzzTargets();
    FrameMutator link = new FrameMutator(seed, Seeds.link(), FuzzTargets.MAX_FRAME_BYTES);
    FrameMutator tracker = new FrameMutator(seed + 1, Seeds.tracker(), FuzzTargets.MAX_FRAME_BYTES);
    SignedMutator signed = new SignedMutator(seed + 2);
    RoomTarget room = new RoomTarget();
    List<String> findings = new ArrayList<>();
    long slowest = 0;
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long start = System.nanoTime();
    for (long i = 0; i < inputs; i++) {
      int which = (int) (i % 6);
      List<byte[]> signedBodies = which == 5 ? signed.next() : null;
      List<byte[]> input =
          which == 5
              ? signedBodies.stream().map(FuzzTargets::framed).toList()
              : which < 2 || which == 4 ? link.next() : tracker.next();
      long t0 = cpu.getCurrentThreadCpuTime();
      try {
        switch (which) {
          case 0 -> targets.link(input, false);
          case 1 -> targets.link(input, true);
          case 2 -> targets.tracker(input, false);
          case 3 -> targets.tracker(input, true);
          case 4 -> input.forEach(FuzzTargets::codec);
          default -> {
            targets.link(input, true);
            room.feed(signedBodies);
          }
        }
      } catch (FuzzTargets.Finding f) {
        if (findings.size() < 20) {
          findings.add(
              "seed "
                  + seed
                  + " input "
                  + i
                  + " target "
                  + which
                  + ": "
                  + f.getMessage()
                  + " input="
                  + hex(input));
        }
      }
      slowest = Math.max(slowest, cpu.getCurrentThreadCpuTime() - t0);
    }
    long elapsed = (System.nanoTime() - start) / 1_000_000;
    if (!targets.hub().channels().isEmpty()) {
      findings.add("tracker hub still holds " + targets.hub().channels().size() + " sessions");
    }
    return new Report(
        seed, inputs, elapsed, slowest / 1_000, targets.delivered(), room.fed(), findings);
  }

  private static String hex(List<byte[]> input) {
    StringBuilder b = new StringBuilder();
    for (byte[] chunk : input) {
      if (b.length() > 400) {
        return b.append("...").toString();
      }
      b.append(HexFormat.of().formatHex(chunk, 0, Math.min(chunk.length, 200))).append('|');
    }
    return b.toString();
  }
}
