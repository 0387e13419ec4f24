/**
 * The command line, and the one place that wires concrete classes: {@link
 * meshchat.peer.app.PeerMain} parses the command, {@link meshchat.peer.app.ChatCommand} builds the
 * store, the node and the console, {@link meshchat.peer.app.NodeAssembly} builds one peer (its
 * clocks, random streams, room, membership, links and tracker sessions), {@link
 * meshchat.peer.app.HistoryCommand} reads a data dir's SQLite history offline; {@link
 * meshchat.peer.app.Stores} is the single point that picks the message store.
 */
package meshchat.peer.app;
