package dev.toolguard.core.loop;

import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.internal.Json;
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

  /** A journal in this process's memory that keeps the last {@code capacity} calls. */
  static CallJournal inMemory(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    Map<String, ToolResult> entries = new LinkedHashMap<>(16, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, ToolResult> eldest) {
        return size() > capacity;
      }
    };
    return new CallJournal() {
      /** The last call keyed, and its key: a call is looked up, then recorded, and keyed once. */
      private @Nullable ToolCall lastCall;
      private @Nullable String lastKey;

      @Override
      public synchronized @Nullable ToolResult find(ToolCall call) {
        return entries.get(keyOf(call));
      }

      @Override
      public synchronized void record(ToolCall call, ToolResult result) {
        entries.put(keyOf(call), result);
      }

      private String keyOf(ToolCall call) {
        if (call != lastCall) {
          lastKey = key(call);
          lastCall = call;
        }
        return lastKey;
      }

      @Override
      public String toString() {
        return "CallJournal.inMemory(" + capacity + ")";
      }
    };
  }

  /** The key of a call: its id, tool name and arguments as a canonical JSON value. */
  static String key(ToolCall call) {
    String args = Json.canonical(call.argumentsJson());
    return call.callId() + '\u0000' + call.name() + '\u0000' + (args == null ? call.argumentsJson() : args);
  }
}
