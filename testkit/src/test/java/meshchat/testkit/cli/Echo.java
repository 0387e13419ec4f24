package meshchat.testkit.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.stream.Collectors;

/**
 * Stands in for a command's jar in the launcher test: prints what it was asked to run, and with
 * {@code -Decho.jvm=true} the JVM's collectors and perf-data setting, as the launcher chose them.
 */
public final class Echo {
  private Echo() {}

  public static void main(String[] args) {
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
  }
}
