package meshchat.peer.message;

import java.util.List;

/**
 * Proof that an author signed two different histories: two validly signed heads of one origin whose
 * chains differ at seq {@link #seq}. Each side is a head and the run of the author's messages from
 * {@code seq} up to that head, so anyone can hash the run down from the signed head and see that
 * the two chains hold different messages at {@code seq}. With empty runs the two heads name the
 * same seq and different hashes: the heads alone are the proof.
 *
 * <p>Only the shape is checked here; hashes and signatures are checked where proofs enter from the
 * network ({@code meshchat.peer.frame.ChainCheck}), as for every chained message.
 */
public record Equivocation(
    ChainHead a, List<ChatMessage> aRun, ChainHead b, List<ChatMessage> bRun) {
  /**
   * Most messages on one side: a head is signed at least every 256 messages, with room to spare.
   */
  public static final int MAX_RUN = 512;

  public Equivocation {
    aRun = List.copyOf(aRun);
    bRun = List.copyOf(bRun);
    if (!a.origin().equals(b.origin())) {
      throw new IllegalArgumentException("an equivocation names one origin");
    }
    if (aRun.size() > MAX_RUN || bRun.size() > MAX_RUN) {
      throw new IllegalArgumentException("an equivocation run holds at most " + MAX_RUN);
    }
    if (aRun.isEmpty() != bRun.isEmpty()) {
      throw new IllegalArgumentException("both runs of an equivocation are empty or neither");
    }
    if (aRun.isEmpty()) {
      if (a.seq() != b.seq() || a.names(b.hash())) {
        throw new IllegalArgumentException("two heads prove nothing unless one seq, two hashes");
      }
    } else {
      checkRun(a, aRun);
      checkRun(b, bRun);
      if (aRun.get(0).seq() != bRun.get(0).seq()) {
        throw new IllegalArgumentException("both runs of an equivocation start at one seq");
      }
    }
  }

  private static void checkRun(ChainHead head, List<ChatMessage> run) {
    for (int i = 0; i < run.size(); i++) {
      ChatMessage m = run.get(i);
      if (!m.origin().equals(head.origin())
          || m.seq() != head.seq() - (run.size() - 1 - i)
          || !m.isChained()) {
        throw new IllegalArgumentException(
            "an equivocation run is its head's origin's chained messages up to the head's seq");
      }
    }
  }

  public PeerId origin() {
    return a.origin();
  }

  /** The seq at which the two histories are proven to differ. */
  public long seq() {
    return aRun.isEmpty() ? a.seq() : aRun.get(0).seq();
  }

  @Override
  public String toString() {
    return "Equivocation[" + origin().shortHex() + " at #" + seq() + "]";
  }
}
