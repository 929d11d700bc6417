package dev.toolguard.core.loop;

import dev.toolguard.core.InvalidMessageException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The tools a loop knows: the ones it advertises to the model and the ones it can invoke. Adapters
 * implement it over their framework's tool types.
 */
public interface ToolRegistry {

  /** The specs sent to the model, in order. */
  List<ToolSpec> advertised();

  /** The tool called {@code name}, advertised or not, or null when there is none. */
  @Nullable LoopTool find(String name);

  /** A registry of {@code tools}, all advertised. */
  static ToolRegistry of(LoopTool... tools) {
    return of(List.of(tools), List.of());
  }

  /**
   * A registry of {@code advertised} tools and of {@code hidden} ones, which run when called but are
   * not offered to the model.
   *
   * @throws InvalidMessageException if two tools share a name
   */
  static ToolRegistry of(List<LoopTool> advertised, List<LoopTool> hidden) {
    Map<String, LoopTool> byName = new LinkedHashMap<>();
    List<ToolSpec> specs = new ArrayList<>();
    for (LoopTool t : advertised) {
      put(byName, t);
      specs.add(t.spec());
    }
    for (LoopTool t : hidden) {
      put(byName, t);
    }
    List<ToolSpec> advertisedSpecs = List.copyOf(specs);
    Map<String, LoopTool> tools = Collections.unmodifiableMap(byName);
    return new ToolRegistry() {
      @Override
      public List<ToolSpec> advertised() {
        return advertisedSpecs;
      }

      @Override
      public @Nullable LoopTool find(String name) {
        return tools.get(name);
      }

      @Override
      public String toString() {
        return "ToolRegistry" + tools.keySet();
      }
    };
  }

  private static void put(Map<String, LoopTool> byName, LoopTool t) {
    if (t == null) {
      throw new InvalidMessageException("ToolRegistry: a tool is null");
    }
    if (byName.putIfAbsent(t.spec().name(), t) != null) {
      throw new InvalidMessageException("ToolRegistry: two tools are named '" + t.spec().name()
          + "'; tool names must be unique");
    }
  }
}
