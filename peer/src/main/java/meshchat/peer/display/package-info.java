/**
 * ⑦ Display: what the user sees and types. {@link meshchat.peer.display.ChatView} turns the
 * runtime's events into lines (plain or one JSON object per line); {@link
 * meshchat.peer.display.Commands} runs what the user types; {@link
 * meshchat.peer.display.LineConsole} drives a pipe and {@link
 * meshchat.peer.display.TerminalConsole} a terminal with JLine.
 */
package meshchat.peer.display;
