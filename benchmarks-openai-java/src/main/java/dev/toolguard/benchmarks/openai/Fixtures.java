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
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The referee, openai-java clients pointed at it, the tools, the histories and a hand-written tool loop. */
final class Fixtures {

  static final String QUICK_OUTPUT = "{\"items\":[1,2,3],\"source\":\"lookup\"}";

  private Fixtures() {}

  /**
   * A referee on 127.0.0.1 whose model asks for {@code calls} on a user message and answers a tool
   * result with text (TCP_NODELAY on: see the root pom's surefire configuration).
   */
  static ProviderReferee referee(Reply calls) {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    ProviderReferee referee = ProviderReferee.start();
    referee.script().respondWith(request -> request.endsWithToolResult() ? Reply.text("Done: the tool answered.")
        : calls);
    return referee;
  }

  static Reply oneLookup() {
    return Reply.toolCall("lookup", "{\"query\":\"weather in Paris\"}");
  }

  static Reply eightSlowCalls() {
    Reply.Call[] calls = new Reply.Call[8];
    for (int i = 0; i < calls.length; i++) {
      calls[i] = Reply.call("slow", "{\"item\":\"item " + i + "\"}");
    }
    return Reply.toolCalls(calls);
  }

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
    return QUICK_OUTPUT;
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

  /**
   * A valid history of exactly {@code size} messages (0 for none): a system message, then user turns
   * answered by the assistant, a third of them with 1–4 parallel calls and their results. Deterministic.
   */
  static List<ChatCompletionMessageParam> history(int size) {
    List<ChatCompletionMessageParam> h = new ArrayList<>();
    if (size == 0) {
      return h;
    }
    Random random = new Random(42);
    h.add(ChatCompletionMessageParam.ofSystem(ChatCompletionSystemMessageParam.builder()
        .content("You are a helpful assistant.").build()));
    int id = 0;
    while (h.size() < size) {
      h.add(user("question " + h.size() + " about the weather and my calendar"));
      if (random.nextInt(3) == 0) {
        int n = 1 + random.nextInt(4);
        ChatCompletionAssistantMessageParam.Builder calls = ChatCompletionAssistantMessageParam.builder();
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < n; k++) {
          String callId = "hist_" + id++;
          ids.add(callId);
          calls.addToolCall(ChatCompletionMessageFunctionToolCall.builder().id(callId)
              .function(ChatCompletionMessageFunctionToolCall.Function.builder().name("lookup")
                  .arguments("{\"query\":\"q" + k + "\"}").build())
              .build());
        }
        h.add(ChatCompletionMessageParam.ofAssistant(calls.build()));
        for (String callId : ids) {
          h.add(tool(callId, QUICK_OUTPUT));
        }
      }
      h.add(assistant("Here is what I found for turn " + h.size() + "."));
    }
    List<ChatCompletionMessageParam> cut = new ArrayList<>(h.subList(0, size));
    while (!cut.get(cut.size() - 1).isAssistant() || cut.get(cut.size() - 1).asAssistant().toolCalls().isPresent()) {
      cut.remove(cut.size() - 1);
    }
    while (cut.size() < size) {
      cut.add(size - cut.size() >= 2 ? user("and one more thing") : assistant("Anything else?"));
      if (cut.size() < size) {
        cut.add(assistant("Noted."));
      }
    }
    return cut;
  }

  static ChatCompletionMessageParam assistant(String text) {
    return ChatCompletionMessageParam.ofAssistant(ChatCompletionAssistantMessageParam.builder().content(text).build());
  }
}
