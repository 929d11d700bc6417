package dev.toolguard.examples.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.toolguard.examples.Scenario;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The broken histories of the tour as a LangChain4j application ends up with them in its {@code
 * ChatMemory}: a weather question, the model's call, and what went wrong around its result.
 */
final class BrokenHistories {

  static final String REWRITTEN_ID = "call_9f3a1c2e-4b7d-4e58-9a61-0c2f5d8e7b13";

  static final List<ToolSpecification> TOOLS = List.of(
      ToolSpecification.builder().name("weather").description("The weather in a city")
          .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build(),
      ToolSpecification.builder().name("time").description("The local time in a city")
          .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build());

  private BrokenHistories() {}

  static ToolExecutionRequest call(String id, String name) {
    return ToolExecutionRequest.builder().id(id).name(name).arguments("{\"city\":\"Paris\"}").build();
  }

  /**
   * The broken Chat Completions history of {@code scenario}, or null for the scenarios that are not a
   * stored history (the approvals) or not Chat Completions (the replayed output).
   */
  static @Nullable List<ChatMessage> of(Scenario scenario) {
    SystemMessage system = SystemMessage.from("You are a travel assistant. Be brief.");
    UserMessage ask = UserMessage.from("What is the weather in Paris?");
    AiMessage call = AiMessage.from(call("call_1", "weather"));
    ToolExecutionResultMessage result = ToolExecutionResultMessage.from("call_1", "weather", "sunny, 21 C");
    switch (scenario) {
      case USER_BETWEEN:
        return List.of(system, ask, call, UserMessage.from("Hurry up, please."), result);
      case EVICTED_CALL:
        // a MessageWindowChatMemory evicted the question and the call, and kept the result
        return List.of(system, result, AiMessage.from("It is sunny in Paris."), UserMessage.from("And tomorrow?"));
      case CRASH_AFTER_CALL:
        // AiServices stored the AiMessage with the call; the process died while the tool ran
        return List.of(system, ask, call, UserMessage.from("Hello? Did it work?"));
      case REWRITTEN_IDS:
        return List.of(system, ask, call, ToolExecutionResultMessage.from(REWRITTEN_ID, "weather", "sunny, 21 C"));
      case DUPLICATE_RESULT:
        return List.of(system, ask, call, result, result);
      case LATE_RESULT:
        return List.of(system, ask, call, UserMessage.from("Never mind."), AiMessage.from("OK."), result);
      case EARLY_RESULT:
        return List.of(system, ask, result, call);
      case PARALLEL_SPLIT:
        return List.of(system, UserMessage.from("Weather and time in Paris?"),
            AiMessage.from(call("call_1", "weather"), call("call_2", "time")),
            ToolExecutionResultMessage.from("call_1", "weather", "sunny, 21 C"),
            UserMessage.from("Quick!"),
            ToolExecutionResultMessage.from("call_2", "time", "12:00"));
      default:
        return null;
    }
  }

  /**
   * A Responses API history with a replayed server-side output: the {@code function_call_output} of an
   * {@code mcp_…} call that was never a call, kept as a {@code ToolExecutionResultMessage}.
   */
  static List<ChatMessage> replayedMcpOutput() {
    return List.of(
        UserMessage.from("What is the weather in Paris?"),
        ToolExecutionResultMessage.from("mcp_1", "weather", "{\"status\":\"ok\"}"),
        AiMessage.from("It is sunny in Paris."),
        UserMessage.from("And tomorrow?"));
  }
}
