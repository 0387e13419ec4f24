package meshchat.testkit.arch.violation.b;

import meshchat.testkit.arch.violation.a.A;

/** The other half of a deliberate package cycle ({@code BuildRulesFailTest}). */
public final class B {
  public A partner() {
    return new A();
  }
}
