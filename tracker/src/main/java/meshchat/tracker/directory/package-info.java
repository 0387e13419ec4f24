/**
 * The pure directory: room → members with expiry by an injected clock. No Netty, no threads: the
 * tracker's one directory thread owns it, and every operation returns the notices to push.
 */
package meshchat.tracker.directory;
