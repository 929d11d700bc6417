package dev.toolguard.core.loop;

import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Puts streamed tool calls together: providers send a call's id and name once and its arguments in
 * pieces, keyed by the call's index in the answer. Backends feed every piece to {@link #add} and take
 * the calls, in index order, when the stream ends. Not thread-safe: one per streamed answer.
 */
public final class ToolCallAssembler {

  private static final class Partial {
    @Nullable String id;
    @Nullable String name;
    final StringBuilder arguments = new StringBuilder();
    Map<String, Object> metadata = Map.of();
  }

  private final TreeMap<Integer, Partial> calls = new TreeMap<>();

  /**
   * Adds a piece of the call at {@code index}: its id and name when this piece carries them (null
   * otherwise), and a fragment of its arguments (possibly empty).
   */
  public ToolCallAssembler add(int index, @Nullable String callId, @Nullable String name, @Nullable String argumentsFragment) {
    if (index < 0) {
      throw new InvalidMessageException("a streamed tool call has index " + index + "; indexes start at 0");
    }
    Partial p = calls.computeIfAbsent(index, i -> new Partial());
    if (callId != null && !callId.isEmpty()) {
      p.id = callId;
    }
    if (name != null && !name.isEmpty()) {
      p.name = p.name == null ? name : p.name;
    }
    if (argumentsFragment != null) {
      p.arguments.append(argumentsFragment);
    }
    return this;
  }

  /** Attaches provider attributes (an item id, say) to the call at {@code index}. */
  public ToolCallAssembler metadata(int index, Map<String, Object> metadata) {
    calls.computeIfAbsent(index, i -> new Partial()).metadata = Map.copyOf(metadata);
    return this;
  }

  /** True when no piece was added. */
  public boolean isEmpty() {
    return calls.isEmpty();
  }

  /**
   * The calls, in index order. A call without a name is an error of the stream; a call without an
   * id gets an empty one (the loop gives it a fresh id); empty arguments become {@code {}}.
   *
   * @throws InvalidMessageException naming the index if a call never got its name
   */
  public List<ToolCall> calls() {
    List<ToolCall> out = new ArrayList<>(calls.size());
    for (Map.Entry<Integer, Partial> e : calls.entrySet()) {
      Partial p = e.getValue();
      if (p.name == null) {
        throw new InvalidMessageException("the streamed tool call at index " + e.getKey()
            + " never got a function name; the stream is incomplete");
      }
      String args = p.arguments.length() == 0 ? "{}" : p.arguments.toString();
      out.add(new ToolCall(p.id == null ? "" : p.id, p.name, args, false, p.metadata));
    }
    return out;
  }
}
