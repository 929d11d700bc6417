package dev.toolguard.springai.internal;

import dev.toolguard.core.ToolCall;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/** Spring AI tools as core tools, and core tool specs as Spring AI tool definitions. */
public final class SpringTools {

  private static final String EMPTY_SCHEMA = "{\"type\":\"object\",\"properties\":{}}";

  private SpringTools() {}

  /** The core spec of a Spring AI tool definition. */
  public static ToolSpec spec(ToolDefinition definition) {
    String description = definition.description();
    String schema = definition.inputSchema();
    return new ToolSpec(definition.name(), description == null ? "" : description,
        schema == null || schema.isBlank() ? EMPTY_SCHEMA : schema);
  }

  /** The Spring AI definition of a core spec. */
  public static ToolDefinition definition(ToolSpec spec) {
    return ToolDefinition.builder()
        .name(spec.name())
        .description(spec.description())
        .inputSchema(spec.parametersSchema())
        .build();
  }

  /**
   * A core tool that runs {@code callback}, handing it {@code toolContext} (the request's tool
   * context) when there is one; it returns directly when the callback's metadata says {@code
   * returnDirect}.
   */
  public static LoopTool tool(ToolCallback callback, @Nullable Map<String, Object> toolContext) {
    ToolSpec spec = spec(callback.getToolDefinition());
    return new LoopTool() {
      @Override
      public ToolSpec spec() {
        return spec;
      }

      @Override
      public String invoke(ToolCall call) {
        String out = toolContext == null || toolContext.isEmpty()
            ? callback.call(call.argumentsJson())
            : callback.call(call.argumentsJson(), new ToolContext(toolContext));
        return out == null ? "" : out;
      }

      @Override
      public boolean returnDirect() {
        return callback.getToolMetadata().returnDirect();
      }

      @Override
      public String toString() {
        return "SpringAiTool[" + spec.name() + "]";
      }
    };
  }

  /**
   * A callback that only declares a tool to the model: toolguard runs tools itself (or, for
   * client-side tools, the application does), so it is never called.
   */
  public static ToolCallback declaration(ToolSpec spec) {
    ToolDefinition definition = definition(spec);
    return new ToolCallback() {
      @Override
      public ToolDefinition getToolDefinition() {
        return definition;
      }

      @Override
      public String call(String toolInput) {
        throw new IllegalStateException("tool '" + spec.name() + "' is only declared to the model: toolguard"
            + " runs the tool loop, and the application answers calls of client-side tools itself");
      }

      @Override
      public String toString() {
        return "DeclaredTool[" + spec.name() + "]";
      }
    };
  }
}
