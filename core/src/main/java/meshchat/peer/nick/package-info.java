/**
 * Nicks a person can trust: a nick is only a claim, the key (its fingerprint, the peer id) is the
 * identity. {@link meshchat.peer.nick.NickBook} remembers the first key seen for each nick, as
 * SSH's known_hosts remembers a host's key, and decides how a (nick, key) pair is shown: plain,
 * with a short fingerprint when the nick is shared, and flagged when the key is not one remembered
 * for that nick. Network-free and file-free: the runtime persists the book's lines.
 */
package meshchat.peer.nick;
