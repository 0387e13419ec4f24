/**
 * The command line, and the one place that wires concrete classes: {@link
 * meshchat.peer.app.PeerMain} parses the command; {@link meshchat.peer.app.HistoryCommand} reads a
 * data dir's SQLite history offline.
 */
package meshchat.peer.app;
