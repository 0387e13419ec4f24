package meshchat.testkit.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Random;
import java.util.concurrent.Executor;

/**
 * The layering the build enforces, as ArchUnit rules (after scalecube's {@code transport-api},
 * which keeps Netty out of the cluster logic by its pom; ours is kept by the core's pom and by
 * these rules). {@link BuildRulesTest} checks them against every module's main classes, and {@link
 * BuildRulesFailTest} shows each one failing on a deliberate violation.
 */
final class BuildRules {
  /**
   * Where generated Protobuf types may be used: the schema itself, the shared framing, the peer's
   * codec ({@code frame}), the tracker's server pipeline and client (the tracker protocol's codec),
   * and the testkit's wire-level tools (the frame fuzzer, the shared fault proxy
   * (meshchat.fixture.netty) that reads frames, and the benchmarks that size frames, and the
   * generator of protocol.md's hex dumps).
   */
  static final String[] CODECS = {
    "meshchat.proto..",
    "meshchat.wire..",
    "meshchat.peer.frame..",
    "meshchat.tracker",
    "meshchat.tracker.pipeline..",
    "meshchat.tracker.client..",
    "meshchat.testkit.fuzz..",
    "meshchat.testkit.netty..",
    "meshchat.fixture.netty..",
    "meshchat.testkit.bench..",
    "meshchat.testkit.docs..",
  };

  private BuildRules() {}

  /** Every package is a slice; no two packages, in any module, may depend on each other. */
  static ArchRule noPackageCycles(String root) {
    return slices()
        .matching(root + ".(**)")
        .namingSlices("$1")
        .should()
        .beFreeOfCycles()
        .because("a cycle makes two packages one unit that cannot be read, tested or moved apart");
  }

  /** The core depends on the JDK and on itself only: no Netty, Protobuf, SQLite or runtime. */
  static ArchRule coreIsPure(DescribedPredicate<JavaClass> inCore) {
    DescribedPredicate<JavaClass> jdkOrCore =
        DescribedPredicate.describe(
            "the JDK or the core module",
            c -> {
              JavaClass base = c.getBaseComponentType(); // an array is as pure as its elements
              return base.isPrimitive()
                  || base.getPackageName().startsWith("java.")
                  || inCore.test(base);
            });
    return classes()
        .that(inCore)
        .should()
        .onlyDependOnClassesThat(jdkOrCore)
        .because("what decides is network-free, so the simulation drives the very same classes");
  }

  /**
   * The core reads no clock and draws no unseeded randomness of its own: time comes from the
   * injected scheduler or {@code InstantSource}, randomness from an injected generator.
   */
  static ArchRule coreReadsNoClock(DescribedPredicate<JavaClass> inCore) {
    return noClasses()
        .that(inCore)
        .should()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(Instant.class, "now")
        .orShould()
        .callMethod(Clock.class, "systemUTC")
        .orShould()
        .callMethod(InstantSource.class, "system")
        .orShould()
        .callConstructor(Random.class)
        .orShould()
        .dependOnClassesThat()
        .belongToAnyOf(Thread.class, Executor.class)
        .because("a replayable simulation needs every clock read and random draw injected");
  }

  /** Generated types stay at the edge: the domain model is records. */
  static ArchRule onlyCodecsSeeGeneratedTypes(String generated, String... codecs) {
    return noClasses()
        .that()
        .resideOutsideOfPackages(codecs)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(generated)
        .because("only the codec converts between generated Protobuf classes and domain records");
  }
}
