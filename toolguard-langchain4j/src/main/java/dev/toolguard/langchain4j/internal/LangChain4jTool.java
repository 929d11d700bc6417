package dev.toolguard.langchain4j.internal;

import dev.langchain4j.agent.tool.ReturnBehavior;
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
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A LangChain4j tool as a core {@link LoopTool}: a {@link ToolSpecification}, the {@link ToolExecutor}
 * that runs it and its {@link ReturnBehavior}. The executor gets the call as a {@code
 * ToolExecutionRequest} and the {@link InvocationContext} of the run (with its chat memory id); an
 * error result of the executor, or what it throws, becomes an error result for the model. What the
 * executor returned is kept in the run ({@link ToolRun}), for the results that return directly.
 *
 * @param specification what the model is told
 * @param executor what runs it
 * @param returnBehavior {@code TO_LLM}, or a behaviour that returns the result to the caller ({@link
 *     #returnDirect()})
 * @param run the run it is bound to, or null before it is bound
 */
public record LangChain4jTool(ToolSpecification specification, ToolExecutor executor, ReturnBehavior returnBehavior,
    @Nullable ToolRun run) implements LoopTool {

  /** Checks the components. */
  public LangChain4jTool {
    if (specification == null || executor == null || returnBehavior == null) {
      throw new InvalidMessageException("a LangChain4j tool needs a specification, an executor and a return behaviour");
    }
  }

  /** A tool whose results go back to the model ({@code TO_LLM}), not bound to a run. */
  public static LangChain4jTool of(ToolSpecification specification, ToolExecutor executor) {
    return new LangChain4jTool(specification, executor, ReturnBehavior.TO_LLM, null);
  }

  /**
   * The core spec: name and description. The schema is a stand-in; the model gets the {@link
   * ToolSpecification} itself (see {@link LangChain4jBackend}).
   */
  @Override
  public ToolSpec spec() {
    String description = specification.description();
    return new ToolSpec(specification.name(), description == null ? "" : description, "{\"type\":\"object\"}");
  }

  /**
   * True for {@code IMMEDIATE} and {@code IMMEDIATE_IF_LAST}: the loop returns the results of a turn
   * to the caller when every call of it ran such a tool (see the module README for where this differs
   * from AiServices).
   */
  @Override
  public boolean returnDirect() {
    return returnBehavior != ReturnBehavior.TO_LLM;
  }

  /** This tool bound to {@code run}: its invocation context, and where what it returns is kept. */
  public LangChain4jTool in(ToolRun run) {
    return new LangChain4jTool(specification, executor, returnBehavior, run);
  }

  @Override
  public String invoke(ToolCall call) throws Exception {
    ToolExecutionRequest request = Messages.toRequest(call);
    ToolExecutionResult result = executor.executeWithContext(request, run == null ? null : run.context());
    if (result == null) {
      throw new ToolguardException("the executor of tool '" + call.name() + "' returned no result for call "
          + call.callId());
    }
    String text = text(result, call);
    if (result.isError()) {
      throw new ToolguardException(text);
    }
    if (run != null) {
      run.ran(call.callId(), result);
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
   * as {@code AiServices} runs them (arguments converted by LangChain4j, exceptions propagated), each
   * with the {@code returnBehavior} of its annotation.
   *
   * @throws InvalidMessageException if {@code object} is null, a class, a collection, or has no {@code
   *     @Tool} method
   */
  public static List<LangChain4jTool> of(Object object) {
    if (object == null) {
      throw new InvalidMessageException("a tool object is null");
    }
    if (object instanceof Class<?>) {
      throw new InvalidMessageException("tool object " + object + " is a class; give an instance");
    }
    if (object instanceof Iterable<?>) {
      throw new InvalidMessageException("tool object of " + object.getClass().getName()
          + " is a collection; pass the objects with @Tool methods themselves");
    }
    List<LangChain4jTool> out = new ArrayList<>();
    for (Method method : methods(object.getClass())) {
      dev.langchain4j.agent.tool.Tool annotation = method.getAnnotation(dev.langchain4j.agent.tool.Tool.class);
      if (annotation == null) {
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
      out.add(new LangChain4jTool(spec, executor, annotation.returnBehavior(), null));
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
