package dev.toolguard.benchmarks.springai;

import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

  static OpenAiChatModel model(ProviderReferee referee) {
    return OpenAiChatModel.builder().options(OpenAiChatOptions.builder().baseUrl(referee.openAiBaseUrl())
        .apiKey("test").model("gpt-test").maxRetries(0).build()).build();
  }

  /** A quick tool. */
  static final class Lookup {
    @Tool(description = "Looks a query up")
    String lookup(@ToolParam(description = "the query") String query) {
      return QUICK_OUTPUT;
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

  /**
   * A valid history of exactly {@code size} messages (0 for none): a system message, then user turns
   * answered by the assistant, a third of them with 1–4 parallel calls and their results. Deterministic.
   */
  static List<Message> history(int size) {
    List<Message> h = new ArrayList<>();
    if (size == 0) {
      return h;
    }
    Random random = new Random(42);
    h.add(new SystemMessage("You are a helpful assistant."));
    int id = 0;
    while (h.size() < size) {
      h.add(new UserMessage("question " + h.size() + " about the weather and my calendar"));
      if (random.nextInt(3) == 0) {
        int n = 1 + random.nextInt(4);
        List<AssistantMessage.ToolCall> calls = new ArrayList<>();
        List<ToolResponseMessage.ToolResponse> results = new ArrayList<>();
        for (int k = 0; k < n; k++) {
          String callId = "hist_" + id++;
          calls.add(new AssistantMessage.ToolCall(callId, "function", "lookup", "{\"query\":\"q" + k + "\"}"));
          results.add(new ToolResponseMessage.ToolResponse(callId, "lookup", QUICK_OUTPUT));
        }
        h.add(AssistantMessage.builder().content("").toolCalls(calls).build());
        h.add(ToolResponseMessage.builder().responses(results).build());
      }
      h.add(AssistantMessage.builder().content("Here is what I found for turn " + h.size() + ".").build());
    }
    List<Message> cut = new ArrayList<>(h.subList(0, size));
    while (!(cut.get(cut.size() - 1) instanceof AssistantMessage a) || a.hasToolCalls()) {
      cut.remove(cut.size() - 1);
    }
    while (cut.size() < size) {
      cut.add(size - cut.size() >= 2 ? new UserMessage("and one more thing")
          : AssistantMessage.builder().content("Anything else?").build());
      if (cut.size() < size) {
        cut.add(AssistantMessage.builder().content("Noted.").build());
      }
    }
    return cut;
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
