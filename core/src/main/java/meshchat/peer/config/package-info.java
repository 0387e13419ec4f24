/**
 * How config records are copied: {@link meshchat.peer.config.Drafts}, the one copy helper behind
 * every config record's {@code with(d -> ...)} and {@code defaults()}.
 */
package meshchat.peer.config;
