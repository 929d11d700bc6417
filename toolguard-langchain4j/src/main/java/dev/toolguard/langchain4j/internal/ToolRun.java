package dev.toolguard.langchain4j.internal;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecution;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.ToolguardException;
import dev.toolguard.core.loop.LoopResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One run of the toolguard loop over LangChain4j tools: the {@link InvocationContext} its tools get,
 * and what their executors returned, by call id, so that the results that return directly can be
 * handed out as LangChain4j's {@link ToolExecution}s with the object the tool returned. Thread-safe:
 * a batch of calls runs concurrently.
 */
public final class ToolRun {

  private final InvocationContext context;
  private final Map<String, ToolExecutionResult> ran = new ConcurrentHashMap<>();

  /** A run for the chat memory {@code memoryId} (null when the history is not a memory's). */
  public ToolRun(@Nullable Object memoryId) {
    this.context = InvocationContext.builder()
        .chatMemoryId(memoryId)
        .managedParameters(Map.of())
        .timestampNow()
        .build();
  }

  /** The invocation context every tool of the run gets. */
  public InvocationContext context() {
    return context;
  }

  /** Keeps what the executor returned for call {@code callId}. */
  void ran(String callId, ToolExecutionResult result) {
    ran.put(callId, result);
  }

  /**
   * The results {@code result} returns directly ({@link LoopResult#directResults()}), in call order,
   * as LangChain4j's {@link ToolExecution}s: the call as the history holds it, the result text and
   * error flag as the history holds them, and — when the tool ran in this run and did not fail — the
   * object it returned ({@link ToolExecution#resultObject()}) and its attributes. Empty unless the run
   * returned directly.
   */
  public List<ToolExecution> directExecutions(LoopResult result) {
    List<ToolResult> direct = result.directResults();
    if (direct.isEmpty()) {
      return List.of();
    }
    Map<String, ToolCall> calls = new HashMap<>();
    List<Message> history = result.history();
    for (int i = history.size() - 1; i >= 0; i--) {
      Message m = history.get(i);
      if (m.role() == Role.ASSISTANT && m.hasToolCalls()) {
        for (ToolCall call : m.toolCalls()) {
          calls.put(call.callId(), call);
        }
        break;
      }
    }
    List<ToolExecution> out = new ArrayList<>(direct.size());
    for (ToolResult r : direct) {
      ToolCall call = calls.get(r.callId());
      if (call == null) {
        throw new ToolguardException("the direct result for call " + r.callId()
            + " answers no call of the last turn with calls");
      }
      ToolExecutionRequest request = Messages.toRequest(call);
      ToolExecutionResult raw = r.error() ? null : ran.get(r.callId());
      ToolExecutionResult.Builder b = ToolExecutionResult.builder().isError(r.error()).resultText(r.output());
      if (raw != null) {
        b.result(raw.result()).attributes(raw.attributes());
      }
      out.add(ToolExecution.builder().request(request).result(b.build()).invocationContext(context).build());
    }
    return List.copyOf(out);
  }
}
