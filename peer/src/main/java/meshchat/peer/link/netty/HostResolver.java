package meshchat.peer.link.netty;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Turns a host a peer was given into an address to dial, never on a room thread or an event loop.
 * Hosts come from strangers (a member's registered host, a PeerList entry): a name whose DNS answer
 * takes seconds, asked with {@code new InetSocketAddress(host, port)} on the room thread, stopped
 * the room (and, the links sharing the loop, every other room on it) for those seconds. An IP
 * literal is parsed at once, with no lookup; a name is looked up by one daemon thread shared by the
 * process, at most {@link #MAX_WAITING} waiting: past that a dial fails at once, as a failed lookup
 * does, and the caller redials later.
 */
public final class HostResolver {
  /** Most names waiting for a lookup in the process. */
  public static final int MAX_WAITING = 256;

  /** The lookup itself: the JDK's, or a slow one in a test. */
  @FunctionalInterface
  public interface Lookup {
    InetAddress byName(String host) throws UnknownHostException;
  }

  private static final HostResolver SYSTEM = new HostResolver(InetAddress::getByName);

  private final Lookup lookup;
  private final ThreadPoolExecutor pool;

  public HostResolver(Lookup lookup) {
    this.lookup = lookup;
    this.pool =
        new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_WAITING),
            r -> {
              Thread t = new Thread(r, "meshchat-resolve");
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
  }

  public static HostResolver system() {
    return SYSTEM;
  }

  /**
   * The address to dial for {@code host}: an IP literal at once (no lookup), else unresolved (its
   * lookup is {@link #resolve}'s, off the caller's thread).
   */
  public static InetSocketAddress address(String host, int port) {
    String bare =
        host.length() > 1 && host.startsWith("[") && host.endsWith("]")
            ? host.substring(1, host.length() - 1)
            : host;
    if (InetAddresses.isInetAddress(bare)) {
      return new InetSocketAddress(InetAddresses.forString(bare), port);
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  /**
   * {@code address} resolved: at once if it is; else looked up on this resolver's thread. Fails
   * (never throws) if the name has no address or too many wait.
   */
  public CompletableFuture<InetSocketAddress> resolve(InetSocketAddress address) {
    if (!address.isUnresolved()) {
      return CompletableFuture.completedFuture(address);
    }
    CompletableFuture<InetSocketAddress> out = new CompletableFuture<>();
    try {
      pool.execute(
          () -> {
            try {
              out.complete(
                  new InetSocketAddress(lookup.byName(address.getHostString()), address.getPort()));
            } catch (Exception | Error e) {
              out.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException full) {
      out.completeExceptionally(full);
    }
    return out;
  }
}
