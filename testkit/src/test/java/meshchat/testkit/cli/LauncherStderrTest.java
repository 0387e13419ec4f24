package meshchat.testkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import meshchat.tracker.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (rev32) Bad input gets one clear line: a command that refuses its input prints {@code meshchat:
 * ...} on stderr and nothing else. Since the launcher gives a peer's JVM the compiler directives
 * (session 31, {@code -XX:+DisplayVMOutputToStderr}), the JVM's own note "2 compiler directives
 * added" comes first on stderr, at every start of {@code chat} and {@code history}: each refusal is
 * two lines, the first JVM jargon the user did not cause, and a chat's terminal opens with it. The
 * real launcher and the checkout's real directives file run a jar whose main refuses as the product
 * does (one line, exit 2), so the line the user reads is the launcher's doing alone.
 */
class LauncherStderrTest {
  @TempDir Path tmp;

  /** Refuses its input as the product's commands do: one line on stderr, status 2. */
  public static final class Refuses {
    public static void main(String[] args) {
      System.err.println("meshchat: data dir /nonexistent does not exist");
      System.exit(2);
    }
  }

  @Test
  void aRefusedHistoryCommandPrintsOneLineOnStderrAndNothingOfTheJvms() throws Exception {
    Path checkout = checkout();
    for (List<String> args :
        List.of(
            List.of("history", "--data", "/nonexistent"),
            List.of("chat", "--room", "x", "--data", "/nonexistent"))) {
      ProcessBuilder pb = new ProcessBuilder();
      pb.command().add(checkout.resolve("meshchat").toString());
      pb.command().addAll(args);
      pb.environment().remove("JAVA_OPTS");
      pb.environment().put("MESHCHAT_CDS", "0");
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(err).isEqualTo(2);
      assertThat(out).isEmpty();
      assertThat(err)
          .as("stderr of `meshchat %s`", String.join(" ", args))
          .isEqualTo("meshchat: data dir /nonexistent does not exist\n");
    }
  }

  /** A checkout with the real launcher and directives, its peer jar one that {@link Refuses}. */
  private Path checkout() throws IOException {
    Path checkout = tmp.resolve("checkout");
    Files.createDirectories(checkout);
    Files.copy(
        Path.of("..", "meshchat").toAbsolutePath().normalize(), checkout.resolve("meshchat"));
    Files.setPosixFilePermissions(
        checkout.resolve("meshchat"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(checkout.resolve("peer/jit"));
    Files.copy(
        Path.of("..", "peer", "jit", "sha256-on-c2.json").toAbsolutePath().normalize(),
        checkout.resolve("peer/jit/sha256-on-c2.json"));
    Files.writeString(checkout.resolve("pom.xml"), "<project/>");
    for (String m : List.of("proto", "core", "tracker", "peer", "testkit")) {
      Files.createDirectories(checkout.resolve(m).resolve("src/main"));
      Files.writeString(checkout.resolve(m).resolve("pom.xml"), "<project/>");
    }
    Path jar = checkout.resolve("peer/target/meshchat-peer-" + Version.number() + "-all.jar");
    Files.createDirectories(jar.getParent());
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Refuses.class.getName());
    String entry = Refuses.class.getName().replace('.', '/') + ".class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf);
        var in = Refuses.class.getResourceAsStream("/" + entry)) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    // newer than every source of the checkout: the launcher runs it as it is
    Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    return checkout;
  }
}
