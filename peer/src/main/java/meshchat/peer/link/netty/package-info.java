/**
 * ② Link, on Netty: {@link meshchat.peer.link.netty.LinkEndpoint} listens and dials; one
 * initializer per role builds the pipeline in wire order (framing, codec, idle detection, Hello,
 * then the dispatcher); {@link meshchat.peer.link.netty.HelloHandler} checks the other side and
 * swaps itself for {@link meshchat.peer.link.netty.LinkDispatcher}.
 */
package meshchat.peer.link.netty;
