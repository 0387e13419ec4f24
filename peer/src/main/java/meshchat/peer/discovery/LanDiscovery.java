package meshchat.peer.discovery;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds peers of the room on the local network with no tracker: mDNS/DNS-SD (RFC 6762/6763) through
 * JmDNS, one responder per multicast-capable IPv4 interface. This peer announces a {@code
 * _meshchat._tcp} service at its link port whose TXT record is a {@link LanTag} (nothing in it
 * names the room or the peer to anyone without the room's name or key, and it changes every epoch),
 * and it browses for the same service.
 *
 * <p>What it hears is a hint, exactly like a PeerList entry: it is handed on only if it decodes as
 * this room's, at most {@link #BURST} at once and {@link #PER_SECOND} a second over all interfaces,
 * each address at most once per {@link #REPEAT_MS}; the peer then dials it, and only a Hello that
 * proves the id (and, in a private room, the room key) makes it a link or a peer cache entry.
 */
public final class LanDiscovery implements AutoCloseable {
  public static final String SERVICE_TYPE = "_meshchat._tcp.local.";
  static final int BURST = 16;
  static final int PER_SECOND = 4;
  static final long REPEAT_MS = 30_000;
  private static final int MAX_INTERFACES = 4;
  private static final int MAX_REMEMBERED = 256;
  private static final Logger log = LoggerFactory.getLogger(LanDiscovery.class);
  private static final HexFormat HEX = HexFormat.of();

  private final LanTag tag;
  private final PeerId self;
  private final int port;
  private final Consumer<PeerAddress> hints;
  private final String logTag;
  private final List<JmDNS> responders = new ArrayList<>();
  private final SecureRandom random = new SecureRandom();
  private final ScheduledExecutorService timer;
  private final Map<String, Long> recent = // host:port:id -> when last handed on; LRU-bounded
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> e) {
          return size() > MAX_REMEMBERED;
        }
      };
  private final InstantSource clock;
  private double tokens = BURST;
  private long tokensAt;
  private long announcedEpoch = Long.MIN_VALUE;
  private boolean announced; // timer thread only
  private volatile boolean closed;

  private LanDiscovery(
      LanTag tag,
      PeerId self,
      int port,
      Consumer<PeerAddress> hints,
      InstantSource clock,
      String logTag) {
    this.clock = clock;
    this.tokensAt = clock.millis();
    this.tag = tag;
    this.self = self;
    this.port = port;
    this.hints = hints;
    this.logTag = logTag;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lan-discovery");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Announces and browses on {@code interfaces} (empty: every up, multicast-capable IPv4 interface
   * but loopback, unless loopback does multicast). Returns at once: the responders start on a
   * thread of their own; found peers go to {@code hints} on JmDNS's threads. A network where
   * nothing can be bound is reported once on {@code say}.
   *
   * @param clock the wall clock: announcement epochs, and the bounds on what is admitted
   */
  public static LanDiscovery start(
      List<InetAddress> interfaces,
      LanTag tag,
      PeerId self,
      int port,
      Consumer<PeerAddress> hints,
      Consumer<String> say,
      InstantSource clock,
      String logTag) {
    LanDiscovery lan = new LanDiscovery(tag, self, port, hints, clock, logTag);
    lan.timer.execute(
        () -> lan.open(interfaces.isEmpty() ? multicastInterfaces() : interfaces, say));
    return lan;
  }

  private void open(List<InetAddress> where, Consumer<String> say) {
    for (InetAddress a : where) {
      try {
        JmDNS j = JmDNS.create(a, "meshchat-" + HEX.formatHex(nonce()));
        j.addServiceListener(SERVICE_TYPE, new Listener(j));
        synchronized (this) {
          if (closed) {
            closeAll(List.of(j));
            return;
          }
          responders.add(j);
        }
      } catch (IOException | RuntimeException e) {
        log.info("{} LAN discovery cannot use {}: {}", logTag, a.getHostAddress(), e.toString());
      }
    }
    if (interfaces() == 0) {
      say.accept("LAN discovery is off: no multicast-capable network interface");
      return;
    }
    announce();
  }

  /** Interfaces announced on now. */
  public synchronized int interfaces() {
    return responders.size();
  }

  static List<InetAddress> multicastInterfaces() {
    List<InetAddress> out = new ArrayList<>();
    try {
      for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!n.isUp() || !n.supportsMulticast() || n.isPointToPoint() || n.isVirtual()) {
          continue;
        }
        for (InetAddress a : Collections.list(n.getInetAddresses())) {
          if (a instanceof Inet4Address && out.size() < MAX_INTERFACES) {
            out.add(a);
          }
        }
      }
    } catch (SocketException e) {
      log.info("cannot list network interfaces: {}", e.toString());
    }
    return out;
  }

  /** (Re)registers this epoch's service on every responder, then again at the next epoch. */
  private void announce() {
    if (closed) {
      return;
    }
    long now = clock.millis();
    long epoch = LanTag.epoch(now);
    if (epoch != announcedEpoch) {
      announcedEpoch = epoch;
      Map<String, String> txt = tag.announce(self, epoch, nonce());
      String name = "meshchat-" + HEX.formatHex(nonce()); // unlinkable across epochs too
      List<JmDNS> open;
      synchronized (this) {
        open = List.copyOf(responders);
      }
      for (JmDNS j : open) {
        try {
          if (announced) {
            j.unregisterAllServices(); // the last epoch's: its values must not linger
          }
          j.registerService(ServiceInfo.create(SERVICE_TYPE, name, port, 0, 0, txt));
        } catch (IOException | RuntimeException e) {
          log.info("{} LAN announce failed: {}", logTag, e.toString());
        }
      }
      announced = true;
      log.debug("{} LAN announced as {} for epoch {}", logTag, name, epoch);
    }
    long next = (epoch + 1) * LanTag.EPOCH_SECONDS * 1000 - now;
    timer.schedule(this::announce, Math.max(1, next), TimeUnit.MILLISECONDS);
  }

  private byte[] nonce() {
    byte[] n = new byte[8];
    random.nextBytes(n);
    return n;
  }

  private void heard(ServiceInfo info) {
    if (closed || info.getPort() < 1 || info.getPort() > 65535) {
      return;
    }
    Map<String, String> txt = new LinkedHashMap<>();
    for (String k : Collections.list(info.getPropertyNames())) {
      if (txt.size() >= 8) {
        return; // not ours: ours has four keys
      }
      txt.put(k, info.getPropertyString(k));
    }
    PeerId peer = tag.read(txt, LanTag.epoch(clock.millis())).orElse(null);
    Inet4Address[] hosts = info.getInet4Addresses();
    if (peer == null || peer.equals(self) || hosts.length == 0) {
      return;
    }
    PeerAddress a = new PeerAddress(peer, "", hosts[0].getHostAddress(), info.getPort());
    if (admit(a)) {
      log.debug("{} LAN hint: {}:{} ({})", logTag, a.host(), a.port(), peer.shortHex());
      hints.accept(a);
    }
  }

  /** The bounds: one address once per REPEAT_MS, and a token bucket over all of them. */
  private synchronized boolean admit(PeerAddress a) {
    long now = clock.millis();
    String key = a.host() + ":" + a.port() + ":" + a.peerId().hex();
    Long last = recent.get(key);
    if (last != null && now - last < REPEAT_MS) {
      return false;
    }
    tokens = Math.min(BURST, tokens + Math.max(0, now - tokensAt) / 1e3 * PER_SECOND);
    tokensAt = now;
    if (tokens < 1) {
      return false;
    }
    tokens--;
    recent.put(key, now);
    return true;
  }

  /**
   * Says goodbye on every interface (TTL 0 records, RFC 6762 §10.1) and stops. JmDNS takes about 2
   * s per responder for that, so they close side by side, and this waits at most 3 s.
   */
  @Override
  public void close() {
    List<JmDNS> open;
    synchronized (this) {
      closed = true;
      open = List.copyOf(responders);
      responders.clear();
    }
    timer.shutdownNow();
    closeAll(open);
  }

  private void closeAll(List<JmDNS> open) {
    List<Thread> closing = new ArrayList<>();
    for (JmDNS j : open) {
      Thread t =
          new Thread(
              () -> {
                try {
                  j.close();
                } catch (IOException | RuntimeException e) {
                  log.debug("{} LAN close: {}", logTag, e.toString());
                }
              },
              "lan-close");
      t.setDaemon(true);
      t.start();
      closing.add(t);
    }
    long deadline = clock.millis() + TimeUnit.SECONDS.toMillis(3);
    for (Thread t : closing) {
      try {
        t.join(Math.max(1, deadline - clock.millis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private final class Listener implements ServiceListener {
    private final JmDNS jmdns;

    Listener(JmDNS jmdns) {
      this.jmdns = jmdns;
    }

    @Override
    public void serviceAdded(ServiceEvent e) {
      // resolving fetches SRV, TXT and A; the answer arrives as serviceResolved
      jmdns.requestServiceInfo(e.getType(), e.getName(), 1);
    }

    @Override
    public void serviceRemoved(ServiceEvent e) {
      // a goodbye: the link, if any, notices by itself
    }

    @Override
    public void serviceResolved(ServiceEvent e) {
      try {
        heard(e.getInfo());
      } catch (RuntimeException bad) {
        log.debug("{} LAN: ignored a record: {}", logTag, bad.toString());
      }
    }
  }
}
