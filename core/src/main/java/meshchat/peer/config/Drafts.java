package meshchat.peer.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.function.Consumer;

/**
 * Copies of immutable config records with some components changed: by hand, what Java's derived
 * record creation (JEP 468, {@code config with { port = 0; }}) will do. A config record declares a
 * {@code Draft}: one public field per component, with the same name and type, each starting at its
 * named default. {@link #derive} fills a draft from a record, lets the caller change it, and makes
 * the new record through the canonical constructor, which validates:
 *
 * <pre>{@code
 * TrackerConfig t = TrackerConfig.defaults().with(d -> { d.port = 0; d.bindHost = "127.0.0.1"; });
 * }</pre>
 *
 * One copy helper serves every config record, instead of a builder setter and a wither per field.
 */
public final class Drafts {
  private Drafts() {}

  /** The record {@code type} made of {@code draft}'s fields (its defaults, or a change of them). */
  public static <R extends Record> R build(Class<R> type, Object draft) {
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] values = new Object[components.length];
    try {
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        values[i] = draftField(draft, components[i]).get(draft);
      }
      Constructor<R> canonical = type.getDeclaredConstructor(types);
      return canonical.newInstance(values);
    } catch (InvocationTargetException e) {
      // the canonical constructor refused a value: its message is the one the caller needs
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(type.getSimpleName() + "'s Draft does not match it", e);
    }
  }

  /**
   * A copy of {@code record} with {@code change} applied to a draft of it. The draft is filled from
   * the record's fields, not its accessors, so a component an accessor derives (a null ttl read as
   * three heartbeats) stays derived in the copy.
   */
  public static <R extends Record, D> R derive(R record, D draft, Consumer<D> change) {
    @SuppressWarnings("unchecked")
    Class<R> type = (Class<R>) record.getClass();
    try {
      for (RecordComponent c : type.getRecordComponents()) {
        Field own = type.getDeclaredField(c.getName());
        own.setAccessible(true);
        draftField(draft, c).set(draft, own.get(record));
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(type.getSimpleName() + "'s Draft does not match it", e);
    }
    change.accept(draft);
    return build(type, draft);
  }

  private static Field draftField(Object draft, RecordComponent c) throws NoSuchFieldException {
    Field f = draft.getClass().getField(c.getName());
    if (f.getType() != c.getType()) {
      throw new NoSuchFieldException(c.getName() + " is a " + c.getType() + " in the record");
    }
    return f;
  }
}
