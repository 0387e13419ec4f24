package meshchat.testkit.fuzz;

/**
 * Runs the frame fuzzer on demand:
 *
 * <pre>java -cp testkit.jar meshchat.testkit.fuzz.FuzzMain [--inputs 2000000] [--seed 1]</pre>
 *
 * Prints one JSON summary line, then each finding; exits 1 if there were any.
 */
public final class FuzzMain {
  private FuzzMain() {}

  public static void main(String[] args) {
    long inputs = 2_000_000;
    long seed = 1;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--inputs" -> inputs = Long.parseLong(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        default -> {
          System.err.println("fuzz: unknown flag " + args[i] + " (use --inputs N --seed S)");
          System.exit(2);
        }
      }
    }
    Fuzzer.Report r = Fuzzer.run(seed, inputs);
    System.out.println(r.toJson());
    r.findings().forEach(System.out::println);
    System.exit(r.findings().isEmpty() ? 0 : 1);
  }
}
