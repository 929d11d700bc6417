package dev.toolguard.benchmarks.langchain4j;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The referee, LangChain4j's OpenAI models pointed at it, the tools and the histories of the benchmarks. */
final class Fixtures {

  private Fixtures() {}

  /**
   * A referee on 127.0.0.1 whose model asks for {@code calls} on a user message and answers a tool
   * result with text. The JDK HTTP server writes headers and body apart: without TCP_NODELAY every
   * request on a kept-alive connection would wait ~40 ms for a delayed ACK.
   */
  static ProviderReferee referee(Reply calls) {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    ProviderReferee referee = ProviderReferee.start();
    referee.script().respondWith(request -> request.endsWithToolResult() ? Reply.text("Done: the tool answered.")
        : calls);
    return referee;
  }

  /** One call of {@code lookup}. */
  static Reply oneLookup() {
    return Reply.toolCall("lookup", "{\"query\":\"weather in Paris\"}");
  }

  /** Eight calls of {@code slow} in one answer. */
  static Reply eightSlowCalls() {
    Reply.Call[] calls = new Reply.Call[8];
    for (int i = 0; i < calls.length; i++) {
      calls[i] = Reply.call("slow", "{\"item\":\"item " + i + "\"}");
    }
    return Reply.toolCalls(calls);
  }

  static OpenAiChatModel model(ProviderReferee referee) {
    return OpenAiChatModel.builder().baseUrl(referee.openAiBaseUrl()).apiKey("test").modelName("gpt-test")
        .maxRetries(0).build();
  }

  static OpenAiStreamingChatModel streamingModel(ProviderReferee referee) {
    return OpenAiStreamingChatModel.builder().baseUrl(referee.openAiBaseUrl()).apiKey("test").modelName("gpt-test")
        .build();
  }

  /** The service interface of the benchmarks. */
  interface Assistant {
    String chat(String message);
  }

  /** A quick tool. */
  static final class Lookup {
    @Tool("Looks a query up")
    String lookup(@P("the query") String query) {
      return "{\"items\":[1,2,3],\"source\":\"lookup\"}";
    }
  }

  /** A tool that takes 50 ms. */
  static final class Slow {
    @Tool("Fetches an item; takes 50 ms")
    String slow(@P("the item") String item) throws InterruptedException {
      Thread.sleep(50);
      return "fetched " + item;
    }
  }

  /**
   * A valid history of exactly {@code size} messages (0 for none): a system message, then user turns
   * answered by the assistant, a third of them with 1–4 parallel calls and their results. Deterministic.
   */
  static List<ChatMessage> history(int size) {
    List<ChatMessage> h = new ArrayList<>();
    if (size == 0) {
      return h;
    }
    Random random = new Random(42);
    h.add(SystemMessage.from("You are a helpful assistant."));
    int id = 0;
    while (h.size() < size) {
      h.add(UserMessage.from("question " + h.size() + " about the weather and my calendar"));
      if (random.nextInt(3) == 0) {
        int n = 1 + random.nextInt(4);
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (int k = 0; k < n; k++) {
          calls.add(ToolExecutionRequest.builder().id("hist_" + id++).name("lookup")
              .arguments("{\"query\":\"q" + k + "\"}").build());
        }
        h.add(AiMessage.from(calls));
        for (ToolExecutionRequest call : calls) {
          h.add(ToolExecutionResultMessage.from(call, "{\"items\":[1,2,3],\"source\":\"lookup\"}"));
        }
      }
      h.add(AiMessage.from("Here is what I found for turn " + h.size() + "."));
    }
    // end on a whole turn: cut back to the last assistant text within the size
    List<ChatMessage> cut = new ArrayList<>(h.subList(0, size));
    while (!(cut.get(cut.size() - 1) instanceof AiMessage ai) || ai.hasToolExecutionRequests()) {
      cut.remove(cut.size() - 1);
    }
    while (cut.size() < size) {
      cut.add(size - cut.size() >= 2 ? UserMessage.from("and one more thing") : AiMessage.from("Anything else?"));
      if (cut.size() < size) {
        cut.add(AiMessage.from("Noted."));
      }
    }
    return cut;
  }
}
