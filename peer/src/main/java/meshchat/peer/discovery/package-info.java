/**
 * ① Discovery: where peers are found. {@link meshchat.peer.discovery.TrackerSession} keeps this
 * peer registered with the tracker through restarts and outages and reports room members as they
 * join and leave; in default mode it hosts a tracker in-process when none answers. {@link
 * meshchat.peer.discovery.PeerCache} remembers, in the data dir, every peer met (by link, tracker
 * or peer exchange), so a restarted peer dials its room back with no tracker at all. Peer exchange
 * (PeerList on links) is the room's part of discovery. {@link
 * meshchat.peer.discovery.TrackerSessions} runs one session per tracker when there are several and
 * merges their reports; {@link meshchat.peer.discovery.LanDiscovery} announces and finds the room
 * on the local network with mDNS, in announcements only members can read ({@link
 * meshchat.peer.discovery.LanTag}).
 */
package meshchat.peer.discovery;
