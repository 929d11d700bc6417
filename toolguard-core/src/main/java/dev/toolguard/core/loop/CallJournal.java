package dev.toolguard.core.loop;

import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.internal.Json;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Remembers the results of calls that ran, so that a run retried after a failure (a resume whose
 * backend request failed, say) never runs a call twice. Keyed by call id, tool name and arguments.
 *
 * <p>The default, {@link #inMemory(int)}, serves one process; give every instance the same shared
 * journal (a database table, a cache) to make resumes idempotent across instances. Implementations
 * must be thread-safe.
 */
public interface CallJournal {

  /** The result recorded for {@code call}, or null when it has not run. */
  @Nullable ToolResult find(ToolCall call);

  /** Records that {@code call} ran and gave {@code result}. */
  void record(ToolCall call, ToolResult result);

  /** A journal that remembers nothing: every call runs when asked. */
  CallJournal NONE = new CallJournal() {
    @Override
    public @Nullable ToolResult find(ToolCall call) {
      return null;
    }

    @Override
    public void record(ToolCall call, ToolResult result) {}
  };

  /**
   * The characters of keys and outputs that {@link #inMemory(int)} keeps at most: 8 Mi (8,388,608), so
   * about 16 MB of heap at worst, however large the outputs are.
   */
  long DEFAULT_MAX_CHARS = 8L << 20;

  /**
   * A journal in this process's memory that keeps the last {@code capacity} calls, and no more of them
   * than fit in {@link #DEFAULT_MAX_CHARS} characters of keys and outputs.
   */
  static CallJournal inMemory(int capacity) {
    return inMemory(capacity, DEFAULT_MAX_CHARS);
  }

  /**
   * A journal in this process's memory that keeps the last {@code capacity} calls, and no more of them
   * than fit in {@code maxChars} characters of keys (call id, tool name, arguments) and outputs; the
   * eldest go first. The newest call is always kept, even when it alone is larger. A call that is no
   * longer remembered runs again if it is asked for again.
   */
  static CallJournal inMemory(int capacity, long maxChars) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be at least 1, was " + maxChars);
    }
    return new CallJournal() {
      private final LinkedHashMap<String, ToolResult> entries = new LinkedHashMap<>();
      private long chars;
      /** The last call keyed, and its key: a call is looked up, then recorded, and keyed once. */
      private @Nullable ToolCall lastCall;
      private @Nullable String lastKey;

      @Override
      public synchronized @Nullable ToolResult find(ToolCall call) {
        return entries.get(keyOf(call));
      }

      @Override
      public synchronized void record(ToolCall call, ToolResult result) {
        String key = keyOf(call);
        ToolResult previous = entries.remove(key);
        if (previous != null) {
          chars -= size(key, previous);
        }
        entries.put(key, result);
        chars += size(key, result);
        Iterator<Map.Entry<String, ToolResult>> eldest = entries.entrySet().iterator();
        while (entries.size() > 1 && (entries.size() > capacity || chars > maxChars)) {
          Map.Entry<String, ToolResult> e = eldest.next();
          chars -= size(e.getKey(), e.getValue());
          eldest.remove();
        }
      }

      private long size(String key, ToolResult result) {
        return (long) key.length() + result.output().length();
      }

      private String keyOf(ToolCall call) {
        if (call != lastCall) {
          lastKey = key(call);
          lastCall = call;
        }
        return lastKey;
      }

      @Override
      public synchronized String toString() {
        return "CallJournal.inMemory(" + capacity + ", " + maxChars + ")[" + entries.size() + " calls, " + chars
            + " chars]";
      }
    };
  }

  /** The key of a call: its id, tool name and arguments as a canonical JSON value. */
  static String key(ToolCall call) {
    String args = Json.canonical(call.argumentsJson());
    return call.callId() + '\u0000' + call.name() + '\u0000' + (args == null ? call.argumentsJson() : args);
  }
}
