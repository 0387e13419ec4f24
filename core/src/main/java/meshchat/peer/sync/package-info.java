/**
 * The building blocks of anti-entropy digests: per-origin sets of sequence numbers kept as ranges,
 * so a digest is a version vector with gaps. The protocol itself is in {@code room.AntiEntropy}.
 */
package meshchat.peer.sync;
