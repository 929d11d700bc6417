package dev.toolguard.springai.internal;

import dev.toolguard.core.ToolCall;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import java.util.Map;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.observation.DefaultToolCallingObservationConvention;
import org.springframework.ai.tool.observation.ToolCallingObservationContext;
import org.springframework.ai.tool.observation.ToolCallingObservationConvention;
import org.springframework.ai.tool.observation.ToolCallingObservationDocumentation;

/** Spring AI tools as core tools, and core tool specs as Spring AI tool definitions. */
public final class SpringTools {

  /** The tool type Spring AI gives a model's tool call ({@code AssistantMessage.ToolCall#type()}). */
  private static final String FUNCTION = "function";

  /** Spring AI's default convention of tool call observations, as {@code DefaultToolCallingManager} uses it. */
  private static final ToolCallingObservationConvention CONVENTION = new DefaultToolCallingObservationConvention();

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
   * returnDirect}. Each call is observed as Spring AI's own tool loop observes it ({@code
   * DefaultToolCallingManager}): a {@link ToolCallingObservationDocumentation#TOOL_CALL} observation
   * ({@code spring.ai.tool}) with a {@link ToolCallingObservationContext} of the tool's definition,
   * metadata, call id and arguments, and its result once it returned, under Spring AI's default
   * convention, in {@code registry}. The tool's exception is recorded on the observation and passed on.
   */
  public static LoopTool tool(ToolCallback callback, @Nullable Map<String, Object> toolContext,
      ObservationRegistry registry) {
    ToolSpec spec = spec(callback.getToolDefinition());
    return new LoopTool() {
      @Override
      public ToolSpec spec() {
        return spec;
      }

      @Override
      public String invoke(ToolCall call) {
        String arguments = call.argumentsJson();
        ToolCallingObservationContext context = ToolCallingObservationContext.builder()
            .toolDefinition(callback.getToolDefinition())
            .toolMetadata(callback.getToolMetadata())
            .toolCallId(call.callId())
            .toolType(FUNCTION)
            .toolCallArguments(arguments)
            .build();
        String out = ToolCallingObservationDocumentation.TOOL_CALL
            .observation(null, CONVENTION, () -> context, registry)
            .observe(() -> {
              String result = toolContext == null || toolContext.isEmpty()
                  ? callback.call(arguments)
                  : callback.call(arguments, new ToolContext(toolContext));
              context.setToolCallResult(result);
              return result;
            });
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
