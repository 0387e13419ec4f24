package meshchat.testkit.check;

import java.util.List;

/**
 * One broken invariant, naming the peers and messages involved (as labels like {@code p3} and
 * {@code p1:4}) so a failing run can be read without a debugger.
 */
public record Violation(
    Invariant invariant, List<String> peers, List<String> messages, String detail) {
  @Override
  public String toString() {
    return invariant.key() + ": " + detail;
  }
}
