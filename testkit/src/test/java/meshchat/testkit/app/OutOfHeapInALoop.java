package meshchat.testkit.app;

import io.netty.channel.DefaultEventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import meshchat.peer.app.ChatLogging;
import meshchat.tracker.OutOfMemoryExit;

/**
 * A child process for {@link OutOfMemoryCliTest}: installs {@link OutOfMemoryExit} as every main
 * does, then fills the heap inside a task of a Netty event loop, which catches what its tasks throw
 * and logs it (as the room thread's loop and the links' loops do). With {@code chat LOGFILE} the
 * log goes through the chat peer's own logger ({@link ChatLogging}), else through logback. Prints
 * {@code survived} if the process is still running a minute later.
 */
public final class OutOfHeapInALoop {
  private OutOfHeapInALoop() {}

  public static void main(String[] args) throws Exception {
    OutOfMemoryExit.install("meshchat test");
    if (args.length == 2 && args[0].equals("chat")) {
      ChatLogging.select(args[1]);
    }
    DefaultEventLoop loop = new DefaultEventLoop();
    loop.execute(
        () -> {
          List<byte[]> held = new ArrayList<>();
          while (true) {
            held.add(new byte[1 << 20]);
          }
        });
    loop.execute(() -> System.out.println("the loop went on"));
    loop.terminationFuture().await(60, TimeUnit.SECONDS);
    System.out.println("survived");
  }
}
