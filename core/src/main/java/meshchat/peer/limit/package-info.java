/**
 * Limits against hostile or broken peers, across the flow: every layer that refuses, throttles or
 * forgets input because a bound was hit bumps one of these {@link meshchat.peer.limit.Counters},
 * shown by {@code /status} (docs/operations.md, "Limits").
 */
package meshchat.peer.limit;
