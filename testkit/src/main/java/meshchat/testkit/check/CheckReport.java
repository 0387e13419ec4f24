package meshchat.testkit.check;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The checker's verdict.
 *
 * @param incomplete deliveries shown before their dependencies (the hold-back timeout fired):
 *     reported apart, since showing them is the documented trade-off, not a bug
 * @param lostWithWipedStore messages whose only copies were in stores that were wiped
 */
public record CheckReport(List<Violation> violations, long incomplete, long lostWithWipedStore) {

  public boolean ok() {
    return violations.isEmpty();
  }

  public boolean held(Invariant i) {
    return violations.stream().noneMatch(v -> v.invariant() == i);
  }

  public Map<Invariant, Long> countByInvariant() {
    Map<Invariant, Long> out = new EnumMap<>(Invariant.class);
    for (Invariant i : Invariant.values()) {
      out.put(i, violations.stream().filter(v -> v.invariant() == i).count());
    }
    return out;
  }
}
