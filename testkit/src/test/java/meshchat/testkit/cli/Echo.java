package meshchat.testkit.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.security.MessageDigest;
import java.util.stream.Collectors;
import javax.management.ObjectName;

/**
 * Stands in for a command's jar in the launcher test: prints what it was asked to run, and with
 * {@code -Decho.jvm=true} the JVM's collectors and perf-data setting, as the launcher chose them;
 * with {@code -Decho.jit=true} also which compiler compiled the JDK's SHA-256 and how many other
 * methods C2 compiled, after hashing until C2 has compiled SHA-256 or 20 s have passed.
 */
public final class Echo {
  private Echo() {}

  public static void main(String[] args) throws Exception {
    System.out.println("echo: " + String.join(" ", args));
    if (Boolean.getBoolean("echo.jvm")) {
      System.out.println(
          "gc: "
              + ManagementFactory.getGarbageCollectorMXBeans().stream()
                  .map(GarbageCollectorMXBean::getName)
                  .collect(Collectors.joining(", ")));
      HotSpotDiagnosticMXBean hotspot =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      System.out.println("UsePerfData=" + hotspot.getVMOption("UsePerfData").getValue());
      System.out.println(
          "TieredStopAtLevel=" + hotspot.getVMOption("TieredStopAtLevel").getValue());
      System.out.println(
          "Tier3MinInvocationThreshold="
              + hotspot.getVMOption("Tier3MinInvocationThreshold").getValue());
      System.out.println("MetaspaceSize=" + hotspot.getVMOption("MetaspaceSize").getValue());
      System.out.println("MaxNewSize=" + hotspot.getVMOption("MaxNewSize").getValue());
      System.out.println("MaxHeapSize=" + hotspot.getVMOption("MaxHeapSize").getValue());
      // the flags as given (the launcher's and JAVA_OPTS'), apart from the values they led to,
      // which on some machines the JVM's own sizing gives as well
      System.out.println("flags: " + ManagementFactory.getRuntimeMXBean().getInputArguments());
      // what the code reads to know it runs without C2 (MessageSigning.CHAIN_BY_BOUNCY_CASTLE)
      System.out.println("meshchat.jit=" + System.getProperty("meshchat.jit"));
    }
    if (Boolean.getBoolean("echo.jit")) {
      jit();
    }
  }

  /**
   * Hashes 300-byte arrays with the JDK's SHA-256 until C2 has compiled it (the compiler's list of
   * compiled methods shows a level-4 method of {@code sun.security.provider}) or 20 s have passed,
   * then prints {@code sha256 on c2: BOOLEAN} and {@code other methods on c2: N}.
   */
  private static void jit() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] data = new byte[300];
    long end = System.nanoTime() + 20_000_000_000L;
    String list;
    do {
      for (int i = 0; i < 20_000; i++) {
        data[i % data.length] ^= sha.digest(data)[0];
      }
      list = codeList();
    } while (!shaOnC2(list) && System.nanoTime() < end);
    long others =
        list.lines().filter(l -> level(l) == 4 && !l.contains(" sun.security.provider.")).count();
    System.out.println("sha256 on c2: " + shaOnC2(list));
    System.out.println("other methods on c2: " + others);
  }

  private static boolean shaOnC2(String codeList) {
    return codeList.lines().anyMatch(l -> level(l) == 4 && l.contains(" sun.security.provider."));
  }

  /** A {@code Compiler.codelist} line's compile level ("ID LEVEL STATE METHOD ..."), or -1. */
  private static int level(String line) {
    String[] f = line.trim().split(" +");
    return f.length > 3 && f[1].matches("[0-9]") ? Integer.parseInt(f[1]) : -1;
  }

  private static String codeList() throws Exception {
    return (String)
        ManagementFactory.getPlatformMBeanServer()
            .invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "compilerCodelist",
                null,
                null);
  }
}
