package meshchat.testkit.arch;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.net.URL;
import java.security.CodeSource;
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

  /**
   * A class of the core module: one the class loader loads from the same jar or directory as the
   * clock. Asked of the loader, not of the file ArchUnit read: when the reactor builds only some
   * modules ({@code -pl core,testkit}), the peer's installed shaded jar holds copies of the core's
   * classes too, and ArchUnit may read those, so no class matched and the rules checked nothing.
   */
  static DescribedPredicate<JavaClass> inCoreModule() {
    URL core = locationOf(LamportClock.class);
    ClassLoader loader = BuildRulesTest.class.getClassLoader();
    return DescribedPredicate.describe(
        "in the core module",
        c -> {
          try {
            return core.equals(locationOf(Class.forName(c.getName(), false, loader)));
          } catch (ClassNotFoundException | LinkageError e) {
            return false;
          }
        });
  }

  private static URL locationOf(Class<?> c) {
    CodeSource source = c.getProtectionDomain().getCodeSource();
    return source == null ? null : source.getLocation();
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
