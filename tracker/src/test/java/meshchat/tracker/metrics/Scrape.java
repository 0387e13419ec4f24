package meshchat.tracker.metrics;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** GET /metrics over HTTP and parse the Prometheus text format into series -> value. */
public final class Scrape {
  private Scrape() {}

  public static Map<String, Double> get(int port) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("HTTP " + r.statusCode());
    }
    if (!r.headers().firstValue("content-type").orElse("").startsWith("text/plain")) {
      throw new AssertionError("not the text format: " + r.headers());
    }
    return parse(r.body());
  }

  /** {@code name{labels} value} per line; comments skipped; a malformed line fails the test. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      if (space <= 0) {
        throw new AssertionError("malformed line: " + line);
      }
      String value = line.substring(space + 1);
      out.put(
          line.substring(0, space),
          switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(value);
          });
    }
    return out;
  }
}
