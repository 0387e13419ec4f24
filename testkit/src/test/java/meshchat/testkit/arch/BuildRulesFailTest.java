package meshchat.testkit.arch;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * Each build rule fails on a deliberate violation, so a green {@link BuildRulesTest} means the rule
 * was checked and held, not that it could not see anything. The violations live in test code
 * ({@code arch.violation}): {@code a} and {@code b} import each other, {@code core} uses Netty,
 * reads the wall clock and a generated Protobuf type.
 */
class BuildRulesFailTest {
  private static final String HERE = "meshchat.testkit.arch.violation";
  private static final JavaClasses FIXTURE = new ClassFileImporter().importPackages(HERE);

  @Test
  void aPackageCycleFailsTheBuild() {
    assertThatThrownBy(() -> BuildRules.noPackageCycles(HERE).check(FIXTURE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Cycle detected: a ->")
        .hasMessageContaining("Dependencies of b");
  }

  @Test
  void nettyInTheCoreFailsTheBuild() {
    assertThatThrownBy(() -> BuildRules.coreIsPure(inFixtureCore()).check(FIXTURE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("io.netty.buffer.ByteBuf");
  }

  @Test
  void aWallClockReadInTheCoreFailsTheBuild() {
    assertThatThrownBy(() -> BuildRules.coreReadsNoClock(inFixtureCore()).check(FIXTURE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("System.currentTimeMillis()");
  }

  @Test
  void aGeneratedTypeOutsideTheCodecFailsTheBuild() {
    assertThatThrownBy(
            () ->
                BuildRules.onlyCodecsSeeGeneratedTypes("meshchat.proto..", BuildRules.CODECS)
                    .check(FIXTURE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("meshchat.proto.v1.LinkFrame");
  }

  private static DescribedPredicate<JavaClass> inFixtureCore() {
    return JavaClass.Predicates.resideInAPackage(HERE + ".core..");
  }
}
