package meshchat.testkit.arch;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.net.URISyntaxException;
import meshchat.peer.clock.LamportClock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The build rules hold for the main classes of every module (testkit sees them all). */
class BuildRulesTest {
  private static JavaClasses all;

  @BeforeAll
  static void importMainClasses() {
    all =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("meshchat");
  }

  /** A class of the core module: one that comes from the same jar or directory as the clock. */
  static DescribedPredicate<JavaClass> inCoreModule() {
    String core;
    try {
      core =
          LamportClock.class.getProtectionDomain().getCodeSource().getLocation().toURI().toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return DescribedPredicate.describe(
        "in the core module",
        c -> c.getSource().map(s -> s.getUri().toString().contains(core)).orElse(false));
  }

  @Test
  void noPackageDependsOnAnotherThatDependsOnIt() {
    BuildRules.noPackageCycles("meshchat").check(all);
  }

  @Test
  void theCoreDependsOnTheJdkAndItselfOnly() {
    BuildRules.coreIsPure(inCoreModule()).check(all);
  }

  @Test
  void theCoreReadsNoClockAndStartsNoThread() {
    BuildRules.coreReadsNoClock(inCoreModule()).check(all);
  }

  @Test
  void onlyCodecsUseGeneratedProtobufTypes() {
    BuildRules.onlyCodecsSeeGeneratedTypes("meshchat.proto..", BuildRules.CODECS).check(all);
  }
}
