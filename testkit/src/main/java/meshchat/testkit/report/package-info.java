/**
 * The HTML report of a run: one self-contained file (inline SVG, JS and CSS, no network) with a
 * space-time diagram, a latency histogram and a convergence timeline.
 */
package meshchat.testkit.report;
