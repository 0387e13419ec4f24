package meshchat.tracker.log;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's {@code %msg} with {@link LogText#escape} applied: the tracker's and the testkit's log
 * configurations use it in place of the plain one ({@code <conversionRule conversionWord="msg"
 * ...>}), so no message reaches a terminal raw.
 */
public final class SafeMessageConverter extends MessageConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return LogText.escape(super.convert(event));
  }
}
