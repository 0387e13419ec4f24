package meshchat.tracker.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import meshchat.tracker.OutOfMemoryExit;
import org.slf4j.Marker;

/**
 * Ends the process ({@link OutOfMemoryExit#end}) when a log call carries an out-of-heap error: the
 * way such an error reaches us from a thread that catches what its tasks throw (Netty's event loops
 * log "A task raised an exception" with it, the room thread's tasks log theirs). Without this the
 * user saw the error's stack trace on stderr and a process that went on with work lost. The
 * tracker's and the testkit's log configurations install it ({@code <turboFilter ...>}).
 */
public final class OutOfMemoryFilter extends TurboFilter {
  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (OutOfMemoryExit.isOutOfHeap(t)) {
      OutOfMemoryExit.end();
    }
    // SLF4J's "{} failed", arg, e: the error may still be the last argument here
    if (params != null && params.length > 0 && params[params.length - 1] instanceof Throwable e) {
      if (OutOfMemoryExit.isOutOfHeap(e)) {
        OutOfMemoryExit.end();
      }
    }
    return FilterReply.NEUTRAL;
  }
}
