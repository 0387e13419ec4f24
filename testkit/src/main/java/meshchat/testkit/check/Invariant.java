package meshchat.testkit.check;

/** The properties a run must keep, in the order the summary lists them. */
public enum Invariant {
  CONVERGENCE("convergence", "every live peer holds the same set of messages"),
  AGREEMENT("agreement", "every live peer orders them identically; shown order matches flags"),
  CAUSALITY("causality", "nothing shown before what its author had seen; Lamport grows along deps"),
  FIFO("fifo", "each origin's messages shown in sequence order"),
  NO_LOSS("no-loss", "every accepted message reaches every live peer"),
  NO_DUPLICATE("no-duplicate", "no message shown twice by one peer"),
  NO_FORK("no-fork", "no two different messages share one id"),
  EQUIVOCATION(
      "equivocation", "every live peer names the same equivocating authors at the same seq");

  private final String key;
  private final String meaning;

  Invariant(String key, String meaning) {
    this.key = key;
    this.meaning = meaning;
  }

  public String key() {
    return key;
  }

  public String meaning() {
    return meaning;
  }
}
