package meshchat.testkit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import meshchat.testkit.SimConfig;
import meshchat.testkit.sim.SimPlan;
import meshchat.testkit.sim.SimRun;
import meshchat.testkit.sim.Specs;
import meshchat.testkit.sim.Summary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report is self-contained, and its script really runs in a real browser. */
class HtmlReportTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private static String render() {
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
    SimRun.Result r = SimRun.run(plan);
    Map<String, Object> model = Summary.model(r, "./meshchat sim --seed 3");
    return HtmlReport.render(r, model);
  }

  @Test
  void theReportNeedsNoNetwork() {
    String html = render();
    assertThat(html).contains("createElementNS", "const DATA = {");
    // the one URL allowed is the SVG namespace, a name rather than a fetch
    assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http");
  }

  @Test
  void headlessChromiumRunsTheScriptWithoutError(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "Chromium not installed at " + CHROMIUM + "; skipped");
    Path file = dir.resolve("report.html");
    Files.writeString(file, render(), StandardCharsets.UTF_8);
    Path profile = Files.createDirectory(dir.resolve("profile"));
    Process p =
        new ProcessBuilder(
                CHROMIUM.toString(),
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
    assertThat(dom).contains("<circle", "<polyline"); // the diagram and the timeline were drawn
    assertThat(log).doesNotContain("Uncaught");
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "";
    }
  }
}
