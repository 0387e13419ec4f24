package meshchat.tracker.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * rev27 F4: the tracker logged each joiner's nick and host raw on its operator's terminal: an OSC
 * sequence retitled it, a newline forged a "left" line. Every logged message is now escaped.
 */
class LogTextTest {
  @Test
  void controlsAndFormatCharactersAreEscapedAndTheRestStays() {
    assertThat(LogText.escape("m\u001b]0;owned\u0007")).isEqualTo("m\\x1b]0;owned\\x07");
    assertThat(LogText.escape("a\nb\rc\u0085d\u2028e")).isEqualTo("a\\x0ab\\x0dc\\x85d<U+2028>e");
    assertThat(LogText.escape("x\u202ey\u2066")).isEqualTo("x<U+202E>y<U+2066>");
    assertThat(LogText.escape("ann 👩‍💻 жан 東京")).isEqualTo("ann 👩<U+200D>💻 жан 東京");
    assertThat(LogText.escape("plain")).isSameAs("plain");
  }

  @Property
  void noControlSurvivesAndASecondPassChangesNothing(@ForAll String s) {
    String once = LogText.escape(s);
    assertThat(once.chars()).noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f));
    assertThat(LogText.escape(once)).isEqualTo(once);
  }

  @Test
  void theTrackersLogConfigurationEscapesEveryMessage() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/meshchat-tracker-logback.xml")) {
      String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(xml)
          .contains(
              "<conversionRule conversionWord=\"msg\""
                  + " class=\"meshchat.tracker.log.SafeMessageConverter\"/>");
    }
    SafeMessageConverter c = new SafeMessageConverter();
    LoggingEvent e =
        new LoggingEvent(
            "x",
            new LoggerContext().getLogger("meshchat.tracker"),
            Level.INFO,
            "room={} joined as {}",
            null,
            new Object[] {"lobby", "m\u001b[2K\n00:00 INFO forged"});
    assertThat(c.convert(e)).isEqualTo("room=lobby joined as m\\x1b[2K\\x0a00:00 INFO forged");
  }
}
