package meshchat.testkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import meshchat.peer.app.PeerMain;
import meshchat.peer.room.Room;
import meshchat.tracker.net.HostPorts;
import meshchat.wire.Ed25519;
import org.junit.jupiter.api.Test;

/**
 * Every class of ours is compiled with string concatenation as plain code ({@code
 * -XDstringConcat=inline} in the parent pom): an invokedynamic concatenation spins method handles
 * at its first use, which cost a chat start about 20 ms on its way to {@code ready}. A module that
 * loses the flag fails here.
 */
class StartPathBytecodeTest {
  private static final byte[] INDY_CONCAT =
      "makeConcatWithConstants".getBytes(StandardCharsets.US_ASCII);

  @Test
  void noClassOfTheChatPeerConcatenatesThroughInvokedynamic() throws Exception {
    List<String> offenders = new ArrayList<>();
    int classes = 0;
    for (Class<?> module : List.of(PeerMain.class, Room.class, HostPorts.class, Ed25519.class)) {
      for (var entry : classesOf(module)) {
        classes++;
        if (contains(entry.bytes(), INDY_CONCAT)) {
          offenders.add(entry.name());
        }
      }
    }
    assertThat(classes).as("classes read").isGreaterThan(300);
    assertThat(offenders).isEmpty();
  }

  private record ClassBytes(String name, byte[] bytes) {}

  /** The classes in the directory or jar {@code member} was loaded from. */
  private static List<ClassBytes> classesOf(Class<?> member)
      throws IOException, URISyntaxException {
    Path where = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<ClassBytes> out = new ArrayList<>();
    if (Files.isDirectory(where)) {
      try (Stream<Path> files = Files.walk(where)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
          out.add(new ClassBytes(where.relativize(f).toString(), Files.readAllBytes(f)));
        }
      }
    } else {
      try (JarFile jar = new JarFile(where.toFile())) {
        for (var e : jar.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
          try (InputStream in = jar.getInputStream(e)) {
            out.add(new ClassBytes(e.getName(), in.readAllBytes()));
          }
        }
      }
    }
    return out;
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
