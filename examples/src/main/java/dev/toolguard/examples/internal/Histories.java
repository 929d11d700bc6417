package dev.toolguard.examples.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.examples.Scenario;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.ProviderReferee;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The broken histories of the tour, as an application ends up with them, in the core model: a weather
 * question, the model's call, and what went wrong around its result.
 */
public final class Histories {

  /** The weather tool the histories call. */
  public static final ToolSpec WEATHER = new ToolSpec("weather", "The weather in a city",
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

  /** The clock tool of the parallel calls. */
  public static final ToolSpec TIME = new ToolSpec("time", "The local time in a city",
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

  /** The payment tool that needs approval. */
  public static final ToolSpec PAY = new ToolSpec("pay", "Pays an amount in euros to someone",
      "{\"type\":\"object\",\"properties\":{\"to\":{\"type\":\"string\"},\"amount\":{\"type\":\"number\"}},"
          + "\"required\":[\"to\",\"amount\"]}");

  /** What the user asks in the approval scenarios. */
  public static final String PAY_REQUEST = "Pay Bob 40 EUR for the concert tickets, with the pay tool.";

  /** The model's arguments for the payment. */
  public static final String PAY_ARGUMENTS = "{\"to\":\"Bob\",\"amount\":40}";

  /** A result id as a store that keeps its own ids writes it. */
  public static final String REWRITTEN_ID = "call_9f3a1c2e-4b7d-4e58-9a61-0c2f5d8e7b13";

  private static final String PARIS = "{\"city\":\"Paris\"}";

  private Histories() {}

  /**
   * The broken Chat Completions history of {@code scenario}, or null for the scenarios that are not
   * a stored history (the approvals, and the Responses API's replayed output).
   */
  public static @Nullable List<Message> chat(Scenario scenario) {
    Message system = Message.system("You are a travel assistant. Be brief.");
    Message ask = Message.user("What is the weather in Paris?");
    Message call = Message.assistant(ToolCall.of("call_1", "weather", PARIS));
    Message result = Message.tool(ToolResult.of("call_1", "weather", "sunny, 21 C"));
    switch (scenario) {
      case USER_BETWEEN:
        return List.of(system, ask, call, Message.user("Hurry up, please."), result);
      case EVICTED_CALL:
        return List.of(system, result, Message.assistant("It is sunny in Paris."), Message.user("And tomorrow?"));
      case CRASH_AFTER_CALL:
        return List.of(system, ask, call, Message.user("Hello? Did it work?"));
      case REWRITTEN_IDS:
        return List.of(system, ask, call, Message.tool(ToolResult.of(REWRITTEN_ID, "weather", "sunny, 21 C")));
      case DUPLICATE_RESULT:
        return List.of(system, ask, call, result, result);
      case LATE_RESULT:
        return List.of(system, ask, call, Message.user("Never mind."), Message.assistant("OK."), result);
      case EARLY_RESULT:
        return List.of(system, ask, result, call);
      case PARALLEL_SPLIT:
        return List.of(system, Message.user("Weather and time in Paris?"),
            Message.assistant(ToolCall.of("call_1", "weather", PARIS), ToolCall.of("call_2", "time", PARIS)),
            Message.tool(ToolResult.of("call_1", "weather", "sunny, 21 C")),
            Message.user("Quick!"),
            Message.tool(ToolResult.of("call_2", "time", "12:00")));
      default:
        return null;
    }
  }

  /**
   * A Responses API request body whose {@code input} holds a replayed server-side output: the output
   * items of a stored response that the referee handed back with a {@code function_call_output} of
   * an {@code mcp_…} call that was never a call, appended to the input as an application does, and a
   * next question. With no referee (a real provider), the same items are made up.
   */
  public static ObjectNode replayedMcpOutputBody(@Nullable ProviderReferee referee, String model) {
    ArrayNode output;
    if (referee != null) {
      referee.responses().replayOrphanOutputs(true);
      try {
        ObjectNode first = Http.JSON.createObjectNode().put("model", model).put("input", "What is the weather in Paris?");
        Http.Answer answer = Http.post(referee.url(Endpoint.RESPONSES), first.toString(), "test", Duration.ofSeconds(20));
        JsonNode json = answer.json();
        if (!answer.ok() || json == null || !json.path("output").isArray()) {
          throw new IllegalStateException("the referee's stored response failed: " + answer.body());
        }
        output = (ArrayNode) json.path("output");
      } finally {
        referee.responses().replayOrphanOutputs(false);
      }
    } else {
      output = Http.JSON.createArrayNode();
      output.addObject().put("type", "function_call_output").put("call_id", "mcp_1").put("output", "{\"status\":\"ok\"}");
      output.addObject().put("type", "message").put("role", "assistant").put("content", "It is sunny in Paris.");
    }
    ObjectNode body = Http.JSON.createObjectNode().put("model", model);
    ArrayNode input = body.putArray("input");
    input.addObject().put("type", "message").put("role", "user").put("content", "What is the weather in Paris?");
    input.addAll(output);
    input.addObject().put("type", "message").put("role", "user").put("content", "And tomorrow?");
    body.put("store", false);
    return body;
  }
}
