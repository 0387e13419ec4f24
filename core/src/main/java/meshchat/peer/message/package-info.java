/**
 * Step ④ of the flow (discovery → link → frame → message → clock → store → display): the domain
 * records a peer reasons about: identities, chat messages, their canonical order ({@link
 * LamportTimestamp}) and what a link carries. Plain values, no generated Protobuf classes (the
 * frame step converts).
 */
package meshchat.peer.message;
