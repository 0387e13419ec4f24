package meshchat.tracker.pipeline;

import static meshchat.tracker.pipeline.RemoteChannels.from;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.directory.Directory;
import meshchat.tracker.directory.Limits;
import org.junit.jupiter.api.Test;

/**
 * rev30 FINDING-9. What is wrong: the tracker holds at most 10,000 sessions in all and 256 per
 * source, a source being an IPv4 address or an IPv6 /64 ({@code TrackerHub.open}). 40 sources
 * therefore hold every session, and every other client, honest members included, is refused with a
 * fatal ADDRESS_LIMIT ("too many sessions at this tracker") for as long as the 40 keep theirs open
 * (a Heartbeat a minute does). 40 /64s are a fraction of ONE /56, the prefix a home line is
 * routinely given (a /48: 65,536 of them): one IPv6 host takes the whole tracker down for every
 * room. (The accepted gap "~32 IPv6 /48 sources can fill accepted links" is a peer's link slots and
 * needs 32 /48s.)
 *
 * <p>Correct behaviour: the product's defaults do not let one /56 (or /48) hold the tracker's
 * sessions: a per-/48 (and /56) session bound well under the total, or a full tracker that drops
 * the most represented prefix's youngest idle session for a newcomer from another prefix.
 */
class SessionCapFromOneIpv6PrefixTest {
  @Test
  void oneSlash56CannotHoldEverySessionOfTheTracker() {
    TrackerConfig defaults = TrackerConfig.defaults();
    TrackerHub hub =
        new TrackerHub(
            new Directory(
                Clock.systemUTC(),
                new Limits(10_000, 1_000, 64, Duration.ofSeconds(15)),
                new SplittableRandom(1)),
            defaults.heartbeatInterval().toMillis(),
            3 * defaults.heartbeatInterval().toMillis(),
            defaults.maxSessions(),
            defaults.maxSessionsPerAddress(),
            false,
            Clock.systemUTC());
    List<EmbeddedChannel> open = new ArrayList<>();
    int held = 0;
    // the /64s 2001:db8:0:101::/64 .. 2001:db8:0:1ff::/64, all inside 2001:db8:0:100::/56
    for (int net = 1; net <= 255 && held < defaults.maxSessions(); net++) {
      for (int k = 1; k <= defaults.maxSessionsPerAddress(); k++) {
        EmbeddedChannel ch = from("2001:db8:0:" + Integer.toHexString(0x100 + net) + "::" + k);
        open.add(ch);
        if (hub.open(ch) != null) {
          held++;
        }
      }
    }
    assertThat(held).as("sessions the stranger's /56 holds").isEqualTo(defaults.maxSessions());

    EmbeddedChannel alice = from("192.0.2.7");
    assertThat(hub.open(alice))
        .as("an honest member from an address of its own: %s", hub.whyRefused())
        .isNotNull();
    open.forEach(EmbeddedChannel::finishAndReleaseAll);
  }
}
