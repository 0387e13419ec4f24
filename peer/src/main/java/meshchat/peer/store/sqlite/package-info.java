/**
 * Step ⑥ of the flow (discovery → link → frame → message → clock → store → display), on disk: the
 * peer's history in one SQLite file per data directory, {@code history.db}, in WAL mode. A peer's
 * own message is committed (with its clock and seq, fsync'ed) before it is sent; received messages
 * are committed without fsync, since anti-entropy can fetch them again. docs/storage.md has the
 * schema and the reasons for each pragma.
 */
package meshchat.peer.store.sqlite;
