/**
 * Fuzzing the frame decoders of the tracker and the peer: a seeded generator of random and mutated
 * frames ({@link FrameMutator}) driven through the real pipelines on EmbeddedChannels ({@link
 * FuzzTargets}); {@link FuzzMain} runs millions of inputs on demand.
 */
package meshchat.testkit.fuzz;
