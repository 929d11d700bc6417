package dev.toolguard.langchain4j.internal;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolguardException;
import dev.toolguard.core.loop.Tool;
import dev.toolguard.core.loop.ToolSpec;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A LangChain4j tool as a core {@link Tool}: a {@link ToolSpecification} and the {@link ToolExecutor}
 * that runs it. The executor gets the call as a {@code ToolExecutionRequest} and an {@link
 * InvocationContext} with the chat memory id of the run; an error result of the executor, or what it
 * throws, becomes an error result for the model.
 *
 * @param specification what the model is told
 * @param executor what runs it
 * @param context the invocation context of the run, or null
 */
public record LangChain4jTool(ToolSpecification specification, ToolExecutor executor, @Nullable InvocationContext context)
    implements Tool {

  /**
   * The core spec: name and description. The schema is a stand-in; the model gets the {@link
   * ToolSpecification} itself (see {@link LangChain4jBackend}).
   */
  @Override
  public ToolSpec spec() {
    String description = specification.description();
    return new ToolSpec(specification.name(), description == null ? "" : description, "{\"type\":\"object\"}");
  }

  /** This tool run in {@code context}. */
  public LangChain4jTool in(@Nullable InvocationContext context) {
    return new LangChain4jTool(specification, executor, context);
  }

  @Override
  public String invoke(ToolCall call) throws Exception {
    ToolExecutionRequest request = Messages.toRequest(call);
    ToolExecutionResult result = executor.executeWithContext(request, context);
    if (result == null) {
      throw new ToolguardException("the executor of tool '" + call.name() + "' returned no result for call "
          + call.callId());
    }
    String text = text(result, call);
    if (result.isError()) {
      throw new ToolguardException(text);
    }
    return text;
  }

  private static String text(ToolExecutionResult result, ToolCall call) {
    StringBuilder sb = new StringBuilder();
    for (dev.langchain4j.data.message.Content c : result.resultContents()) {
      if (!(c instanceof TextContent t)) {
        throw new ToolguardException("tool '" + call.name() + "' returned " + c.type() + " content for call "
            + call.callId() + "; the toolguard loop carries text results only");
      }
      sb.append(t.text());
    }
    return sb.toString();
  }

  /**
   * The tools of the methods annotated with LangChain4j's {@code @Tool} on {@code object}'s class, run
   * as {@code AiServices} runs them (arguments converted by LangChain4j, exceptions propagated).
   *
   * @throws InvalidMessageException if {@code object} is null, a class, or has no {@code @Tool} method
   */
  public static List<LangChain4jTool> of(Object object) {
    if (object == null) {
      throw new InvalidMessageException("a tool object is null");
    }
    if (object instanceof Class<?>) {
      throw new InvalidMessageException("tool object " + object + " is a class; give an instance");
    }
    List<LangChain4jTool> out = new ArrayList<>();
    for (Method method : methods(object.getClass())) {
      if (!method.isAnnotationPresent(dev.langchain4j.agent.tool.Tool.class)) {
        continue;
      }
      ToolSpecification spec = dev.langchain4j.agent.tool.ToolSpecifications.toolSpecificationFrom(method);
      ToolExecutor executor = DefaultToolExecutor.builder()
          .object(object)
          .originalMethod(method)
          .methodToInvoke(method)
          .wrapToolArgumentsExceptions(true)
          .propagateToolExecutionExceptions(true)
          .build();
      out.add(new LangChain4jTool(spec, executor, null));
    }
    if (out.isEmpty()) {
      throw new InvalidMessageException("object of " + object.getClass().getName()
          + " has no method annotated with @dev.langchain4j.agent.tool.Tool");
    }
    return out;
  }

  /**
   * The concrete methods of {@code type} and its superclasses, the most specific class first and each
   * class's methods by name and parameter types: the JVM returns declared methods in no fixed order,
   * and the tools are advertised to the model (and named in errors) in this order.
   */
  private static List<Method> methods(Class<?> type) {
    List<Method> out = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      Method[] declared = c.getDeclaredMethods();
      java.util.Arrays.sort(declared, java.util.Comparator.comparing(LangChain4jTool::signature));
      for (Method m : declared) {
        String signature = signature(m);
        if (!Modifier.isAbstract(m.getModifiers()) && !m.isBridge() && !m.isSynthetic() && !seen.contains(signature)) {
          seen.add(signature);
          out.add(m);
        }
      }
    }
    return out;
  }

  private static String signature(Method m) {
    return m.getName() + java.util.Arrays.toString(m.getParameterTypes());
  }
}
