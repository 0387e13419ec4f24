package meshchat.testkit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import meshchat.fixture.net.LinkFaults;
import meshchat.testkit.SimConfig;
import meshchat.testkit.sim.SimPlan;
import meshchat.testkit.sim.SimRun;
import meshchat.testkit.sim.Specs;
import meshchat.testkit.sim.Summary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report is self-contained, and its script really runs in a real browser. CI sets {@code
 * MESHCHAT_REQUIRE_CHROMIUM=1} (after installing Debian's chromium), so there a missing browser
 * fails the test instead of skipping it.
 */
class HtmlReportTest {
  private static String smallRun() {
    SimPlan plan =
        new SimPlan(
            SimConfig.defaults(3),
            5,
            6,
            0,
            2_000,
            5_000,
            List.of(Specs.partition("0-1|2-4@3000..5000", 5)),
            List.of(Specs.crash("3@2500..4000", 5)),
            List.of(),
            60_000);
    return render(plan, "./meshchat sim --seed 3");
  }

  /** The README's run: {@code ./meshchat sim --peers 25 --messages 20 --seed 7 --loss 0.05}. */
  private static String readmeRun() {
    SimConfig config = SimConfig.defaults(7).with(d -> d.faults = LinkFaults.calm().withLoss(0.05));
    SimPlan plan =
        new SimPlan(config, 25, 20, 0, 2_000, 10_000, List.of(), List.of(), List.of(), 300_000);
    return render(plan, "./meshchat sim --peers 25 --messages 20 --seed 7 --loss 0.05");
  }

  private static String render(SimPlan plan, String replay) {
    SimRun.Result r = SimRun.run(plan);
    Map<String, Object> model = Summary.model(r, replay);
    return HtmlReport.render(r, model);
  }

  @Test
  void theReportNeedsNoNetwork() {
    String html = smallRun();
    assertThat(html).contains("createElementNS", "const DATA = {");
    // the one URL allowed is the SVG namespace, a name rather than a fetch
    assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http");
  }

  @Test
  void headlessChromiumDrawsTheFullDiagramOfASmallRun(@TempDir Path dir) throws Exception {
    String html = smallRun();
    String dom = renderInChromium(html, dir);
    if (dom == null) { // no browser here: what the page draws from must still say "full"
      assertThat(html).contains("\"mode\":\"full\"").doesNotContain("\"mode\":\"sampled\"");
      return;
    }
    assertThat(dom).contains("<circle", "<polyline"); // the diagram and the timeline were drawn
    assertThat(dom).contains("id=\"st-full\"").doesNotContain("id=\"st-sampled\"");
  }

  @Test
  void headlessChromiumDrawsAnAggregateOfTheReadmeRun(@TempDir Path dir) throws Exception {
    String html = readmeRun();
    String dom = renderInChromium(html, dir);
    if (dom == null) { // no browser here: the data must ask for a sample and carry a heatmap
      assertThat(html).contains("\"mode\":\"sampled\"", "\"heatmap\":");
      return;
    }
    // too big for every line: a sampled diagram plus a latency-over-time heatmap, no empty legend
    assertThat(dom).contains("id=\"st-sampled\"", "id=\"heatmap\"", "class=\"cell\"");
    assertThat(dom).contains("10 of 25 peers");
    // 5% loss is a fault: the summary must not say "no faults"
    assertThat(dom).doesNotContain("no faults").contains("lost link messages");
    // log-scale latency axis with decade labels
    assertThat(dom).contains("id=\"lat-axis\"", ">10 ms<", ">100 ms<");
  }

  /** The DOM headless chromium drew, or null where no chromium is installed (never in CI). */
  private static String renderInChromium(String html, Path dir) throws Exception {
    Optional<Path> chromium = chromium();
    if (chromium.isEmpty()) {
      if ("1".equals(System.getenv("MESHCHAT_REQUIRE_CHROMIUM"))) {
        fail("MESHCHAT_REQUIRE_CHROMIUM=1 but no chromium on PATH (.ci/run installs it)");
      }
      // a developer box without chromium checks the page's data instead (CI installs chromium
      // and requires it, so there the drawing itself is checked)
      return null;
    }
    Path file = dir.resolve("report.html");
    Files.writeString(file, html, StandardCharsets.UTF_8);
    Path profile = Files.createDirectory(dir.resolve("profile"));
    Process p =
        new ProcessBuilder(
                chromium.get().toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--enable-logging=stderr",
                "--v=0",
                "--dump-dom",
                file.toUri().toString())
            .redirectError(dir.resolve("chromium.log").toFile())
            .start();
    String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String log = readQuietly(dir.resolve("chromium.log"));
    assertThat(dom).as(log).contains("data-ok=\"1\"").contains("id=\"report-rendered\"");
    assertThat(log).doesNotContain("Uncaught");
    return dom;
  }

  /** {@code $MESHCHAT_CHROMIUM}, else the first chromium or chromium-browser on the PATH. */
  private static Optional<Path> chromium() {
    String explicit = System.getenv("MESHCHAT_CHROMIUM");
    if (explicit != null && !explicit.isBlank()) {
      return Optional.of(Path.of(explicit)).filter(Files::isExecutable);
    }
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin");
    return Stream.of(path.split(":"))
        .filter(d -> !d.isEmpty())
        .flatMap(d -> Stream.of(Path.of(d, "chromium"), Path.of(d, "chromium-browser")))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "";
    }
  }
}
