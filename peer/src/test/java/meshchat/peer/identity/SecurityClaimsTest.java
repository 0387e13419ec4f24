package meshchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md names, for each claim, the test that pins it. A renamed or deleted test would
 * leave a claim unpinned without anyone noticing, so every test class and method the document names
 * in its tables ("pinned by" columns) must exist in some module's test sources.
 */
class SecurityClaimsTest {
  private static final Path ROOT = Path.of("..");

  /** `FooTest`, `FooTest.method`, `FooTest.prefix…`, or a method alone: `method`, `…prefix…`. */
  private static final Pattern CODE =
      Pattern.compile(
          "`(?:([A-Z][A-Za-z0-9]*Test)(?:\\.…?([a-z][A-Za-z0-9]*)…?)?|…?([a-z][A-Za-z0-9]*)…?)`");

  @Test
  void everyTestTheSecurityDocumentNamesExists() throws IOException {
    Map<String, String> tests = testSources();
    List<String> lines =
        Files.readAllLines(ROOT.resolve("docs/security.md"), StandardCharsets.UTF_8);
    List<String> missing = new ArrayList<>();
    int named = 0;
    for (String line : lines) {
      if (!line.startsWith("|") || line.startsWith("|---")) {
        continue;
      }
      String[] cells = line.split("\\|");
      String cls = null; // the class a bare method name belongs to: the last one named before it
      Matcher m = CODE.matcher(cells[cells.length - 1]);
      while (m.find()) {
        String method = m.group(1) != null ? m.group(2) : m.group(3);
        if (m.group(1) != null) {
          cls = m.group(1);
        } else if (cls == null) {
          continue; // a counter or a field, not a test
        }
        named++;
        String source = tests.get(cls);
        if (source == null) {
          missing.add(cls);
        } else if (method != null && !source.contains("void " + method)) {
          missing.add(cls + "." + method);
        }
      }
    }
    assertThat(named).isGreaterThan(40);
    assertThat(missing).isEmpty();
  }

  /** Every test class of every module, by simple name. */
  private static Map<String, String> testSources() throws IOException {
    Map<String, String> out = new HashMap<>();
    try (Stream<Path> files = Files.walk(ROOT, 14)) {
      files
          .filter(p -> p.toString().contains("src" + File.separator + "test" + File.separator))
          .filter(p -> p.toString().endsWith("Test.java"))
          .forEach(p -> out.put(p.getFileName().toString().replace(".java", ""), read(p)));
    }
    return out;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
