package meshchat.testkit.arch.violation.a;

import meshchat.testkit.arch.violation.b.B;

/** Half of a deliberate package cycle ({@code BuildRulesFailTest}). */
public final class A {
  public B partner() {
    return new B();
  }
}
