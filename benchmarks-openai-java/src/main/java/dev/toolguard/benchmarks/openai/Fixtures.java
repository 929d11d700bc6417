package dev.toolguard.benchmarks.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionSystemMessageParam;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.benchmarks.support.BenchReferee;
import dev.toolguard.benchmarks.support.HistoryShape;
import dev.toolguard.testkit.ProviderReferee;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The referee, openai-java clients pointed at it, the tools, the histories and a hand-written tool loop. */
final class Fixtures {

  private Fixtures() {}

  static OpenAIClient client(ProviderReferee referee) {
    return OpenAIOkHttpClient.builder().apiKey("test").baseUrl(referee.openAiBaseUrl()).maxRetries(0).build();
  }

  /** What the tools do: {@code lookup} answers at once, {@code slow} takes 50 ms. */
  static String runTool(String name) {
    if (name.equals("slow")) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
      return "fetched";
    }
    return BenchReferee.QUICK_OUTPUT;
  }

  static LoopTool loopTool(String name) {
    return LoopTool.of(new ToolSpec(name, "A tool", SCHEMA), args -> runTool(name));
  }

  private static final String SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}}}";

  static ChatCompletionCreateParams params(List<ChatCompletionMessageParam> messages, String tool) {
    return ChatCompletionCreateParams.builder().model("gpt-test").messages(messages)
        .addFunctionTool(FunctionDefinition.builder().name(tool).description("A tool")
            .parameters(FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("query", Map.of("type", "string"))))
                .build())
            .build())
        .build();
  }

  /**
   * The tool loop an openai-java application writes by hand: ask, run each call the answer asks for
   * (one after the other), send the results, return the text of the next answer.
   */
  static String handLoop(OpenAIClient client, List<ChatCompletionMessageParam> history, String userText, String tool) {
    List<ChatCompletionMessageParam> messages = new ArrayList<>(history.size() + 12);
    messages.addAll(history);
    messages.add(user(userText));
    for (int round = 0; round < 4; round++) {
      ChatCompletion completion = client.chat().completions().create(params(messages, tool));
      ChatCompletionMessage answer = completion.choices().get(0).message();
      List<ChatCompletionMessageToolCall> calls = answer.toolCalls().orElse(List.of());
      if (calls.isEmpty()) {
        return answer.content().orElse("");
      }
      messages.add(ChatCompletionMessageParam.ofAssistant(answer.toParam()));
      for (ChatCompletionMessageToolCall call : calls) {
        ChatCompletionMessageFunctionToolCall f = call.asFunction();
        messages.add(tool(f.id(), runTool(f.function().name())));
      }
    }
    throw new IllegalStateException("no answer after 4 rounds");
  }

  static ChatCompletionMessageParam user(String text) {
    return ChatCompletionMessageParam.ofUser(ChatCompletionUserMessageParam.builder().content(text).build());
  }

  static ChatCompletionMessageParam tool(String callId, String output) {
    return ChatCompletionMessageParam.ofTool(ChatCompletionToolMessageParam.builder()
        .toolCallId(callId).content(output).build());
  }

  /** A valid history of exactly {@code size} messages (0 for none): {@link HistoryShape} in openai-java's types. */
  static List<ChatCompletionMessageParam> history(int size) {
    List<ChatCompletionMessageParam> h = new ArrayList<>(size);
    for (HistoryShape.Step step : HistoryShape.of(size, false)) {
      if (step instanceof HistoryShape.System system) {
        h.add(ChatCompletionMessageParam.ofSystem(ChatCompletionSystemMessageParam.builder()
            .content(system.text()).build()));
      } else if (step instanceof HistoryShape.User u) {
        h.add(user(u.text()));
      } else if (step instanceof HistoryShape.Assistant a) {
        h.add(assistant(a.text()));
      } else if (step instanceof HistoryShape.Calls calls) {
        ChatCompletionAssistantMessageParam.Builder message = ChatCompletionAssistantMessageParam.builder();
        for (HistoryShape.Call call : calls.calls()) {
          message.addToolCall(ChatCompletionMessageFunctionToolCall.builder().id(call.id())
              .function(ChatCompletionMessageFunctionToolCall.Function.builder().name(call.name())
                  .arguments(call.arguments()).build())
              .build());
        }
        h.add(ChatCompletionMessageParam.ofAssistant(message.build()));
      } else if (step instanceof HistoryShape.Results results) {
        results.calls().forEach(call -> h.add(tool(call.id(), BenchReferee.QUICK_OUTPUT)));
      }
    }
    return h;
  }

  static ChatCompletionMessageParam assistant(String text) {
    return ChatCompletionMessageParam.ofAssistant(ChatCompletionAssistantMessageParam.builder().content(text).build());
  }
}
