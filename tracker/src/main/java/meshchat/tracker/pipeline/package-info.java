/**
 * The tracker's Netty layer: the session pipeline, the handshake, and the hub that hands requests
 * to the directory on its one thread and routes the pushes it returns.
 */
package meshchat.tracker.pipeline;
