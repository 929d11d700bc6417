package dev.toolguard.benchmarks.springai;

import dev.toolguard.benchmarks.support.BenchReferee;
import dev.toolguard.benchmarks.support.HistoryShape;
import dev.toolguard.testkit.ProviderReferee;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/** The referee, Spring AI's OpenAiChatModel pointed at it, the tools and the histories of the benchmarks. */
final class Fixtures {

  private Fixtures() {}

  static OpenAiChatModel model(ProviderReferee referee) {
    return OpenAiChatModel.builder().options(OpenAiChatOptions.builder().baseUrl(referee.openAiBaseUrl())
        .apiKey("test").model("gpt-test").maxRetries(0).build()).build();
  }

  /** A quick tool. */
  static final class Lookup {
    @Tool(description = "Looks a query up")
    String lookup(@ToolParam(description = "the query") String query) {
      return BenchReferee.QUICK_OUTPUT;
    }
  }

  /** A tool that takes 50 ms. */
  static final class Slow {
    @Tool(description = "Fetches an item; takes 50 ms")
    String slow(@ToolParam(description = "the item") String item) throws InterruptedException {
      Thread.sleep(50);
      return "fetched " + item;
    }
  }

  /** A valid history of exactly {@code size} messages (0 for none): {@link HistoryShape} in Spring AI's types. */
  static List<Message> history(int size) {
    List<Message> h = new ArrayList<>(size);
    for (HistoryShape.Step step : HistoryShape.of(size, true)) {
      if (step instanceof HistoryShape.System system) {
        h.add(new SystemMessage(system.text()));
      } else if (step instanceof HistoryShape.User user) {
        h.add(new UserMessage(user.text()));
      } else if (step instanceof HistoryShape.Assistant assistant) {
        h.add(AssistantMessage.builder().content(assistant.text()).build());
      } else if (step instanceof HistoryShape.Calls calls) {
        h.add(AssistantMessage.builder().content("").toolCalls(calls.calls().stream()
            .map(c -> new AssistantMessage.ToolCall(c.id(), "function", c.name(), c.arguments())).toList()).build());
      } else if (step instanceof HistoryShape.Results results) {
        h.add(ToolResponseMessage.builder().responses(results.calls().stream()
            .map(c -> new ToolResponseMessage.ToolResponse(c.id(), c.name(), BenchReferee.QUICK_OUTPUT)).toList())
            .build());
      }
    }
    return h;
  }

  /**
   * The number of messages the first request carried; Spring AI sends a tool response message as one
   * tool message per response, so {@code history} messages can be more on the wire.
   */
  static int wireMessages(List<Message> history) {
    int n = 0;
    for (Message m : history) {
      n += m instanceof ToolResponseMessage t ? t.getResponses().size() : 1;
    }
    return n;
  }
}
