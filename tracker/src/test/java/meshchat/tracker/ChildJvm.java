package meshchat.tracker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real child JVM running one of our mains from the test class path, as a user's shell would run
 * it: stdin to type into, every stdout line kept as it arrives, and a reader thread that ends when
 * the process does (tests of a kill join it to know the output is complete).
 */
public final class ChildJvm {
  public final Process process;
  public final PrintStream in;
  public final List<String> out = new CopyOnWriteArrayList<>();
  public final Thread reader;

  public ChildJvm(Process process) {
    this.process = process;
    this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    this.reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                  out.add(l);
                }
              } catch (IOException e) {
                // the process ended or was killed
              }
            },
            "child-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * {@code java -Xmx96m -XX:TieredStopAtLevel=1 -cp <this test's class path> MAIN ARGS}: a small
   * heap and the C1 compiler only, since these processes live seconds and a loaded box starts JVMs
   * slowly.
   */
  public static ProcessBuilder java(Class<?> main, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx96m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  /** Lines seen so far that contain {@code fragment}. */
  public long count(String fragment) {
    return out.stream().filter(l -> l.contains(fragment)).count();
  }
}
