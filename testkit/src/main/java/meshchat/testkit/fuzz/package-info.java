/**
 * Fuzzing the frame decoders of the tracker and the peer (issue 6, "Fuzzing"): a seeded generator
 * of random and mutated frames ({@link meshchat.testkit.fuzz.FrameMutator}) driven through the real
 * pipelines on EmbeddedChannels ({@link meshchat.testkit.fuzz.FuzzTargets}); {@link
 * meshchat.testkit.fuzz.FuzzMain} runs millions of inputs on demand.
 */
package meshchat.testkit.fuzz;
