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
import dev.toolguard.benchmarks.support.BenchReferee;
import dev.toolguard.benchmarks.support.HistoryShape;
import dev.toolguard.testkit.ProviderReferee;
import java.util.ArrayList;
import java.util.List;

/** The referee, LangChain4j's OpenAI models pointed at it, the tools and the histories of the benchmarks. */
final class Fixtures {

  private Fixtures() {}

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
      return BenchReferee.QUICK_OUTPUT;
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

  /** A valid history of exactly {@code size} messages (0 for none): {@link HistoryShape} in LangChain4j's types. */
  static List<ChatMessage> history(int size) {
    List<ChatMessage> h = new ArrayList<>(size);
    for (HistoryShape.Step step : HistoryShape.of(size, false)) {
      if (step instanceof HistoryShape.System system) {
        h.add(SystemMessage.from(system.text()));
      } else if (step instanceof HistoryShape.User user) {
        h.add(UserMessage.from(user.text()));
      } else if (step instanceof HistoryShape.Assistant assistant) {
        h.add(AiMessage.from(assistant.text()));
      } else if (step instanceof HistoryShape.Calls calls) {
        h.add(AiMessage.from(calls.calls().stream().map(Fixtures::request).toList()));
      } else if (step instanceof HistoryShape.Results results) {
        results.calls().forEach(
            call -> h.add(ToolExecutionResultMessage.from(request(call), BenchReferee.QUICK_OUTPUT)));
      }
    }
    return h;
  }

  private static ToolExecutionRequest request(HistoryShape.Call call) {
    return ToolExecutionRequest.builder().id(call.id()).name(call.name()).arguments(call.arguments()).build();
  }
}
