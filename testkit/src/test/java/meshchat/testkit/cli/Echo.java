package meshchat.testkit.cli;

/** Stands in for a command's jar in the launcher test: prints what it was asked to run. */
public final class Echo {
  private Echo() {}

  public static void main(String[] args) {
    System.out.println("echo: " + String.join(" ", args));
  }
}
