package meshchat.tracker;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Why something failed, in the words a person expects ({@code permission denied}, {@code address
 * already in use}, {@code unknown host}), for the one-line errors of every command. JDK exceptions
 * often carry only a path or nothing at all as their message.
 */
public final class ErrorText {
  private ErrorText() {}

  public static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t && generic(t)) {
      t = t.getCause();
    }
    if (t instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (t instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (t instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (t instanceof FileAlreadyExistsException) {
      return "a file of that name is in the way";
    }
    if (t instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason().toLowerCase(Locale.ROOT);
    }
    if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
      return "unknown host";
    }
    String m = t.getMessage();
    if (t instanceof BindException) {
      return m != null && m.toLowerCase(Locale.ROOT).contains("in use")
          ? "address already in use"
          : m == null ? "cannot bind" : lower(m);
    }
    if (t instanceof ConnectException) {
      return "connection refused";
    }
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : oneLine(m);
  }

  /** Wrappers whose own message adds nothing to their cause's. */
  private static boolean generic(Throwable t) {
    return t.getMessage() == null
        || t instanceof ExecutionException
        || t instanceof CompletionException
        || t instanceof UncheckedIOException;
  }

  private static String lower(String m) {
    String s = oneLine(m);
    int paren = s.indexOf(" (");
    s = paren > 0 ? s.substring(0, paren) : s; // "Address already in use (Bind failed)"
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  private static String oneLine(String s) {
    return s.replaceAll("[\\r\\n\\t]+", " ").strip();
  }
}
