package dev.toolguard.json.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Message;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's example, as written there but for the base URL and the key. */
class ReadmeExampleTest {

  @Test
  void theExampleRuns() {
    try (ProviderReferee referee = ProviderReferee.start()) {
      referee.script().enqueue(Reply.toolCall("weather", "{\"city\":\"Paris\"}"), Reply.text("Sunny, 21 °C."));

      ChatBackend backend = HttpChatBackend.openAiChat(HttpBackendConfig.builder()
          .baseUrl(referee.openAiBaseUrl())
          .apiKey("test")
          .model("gpt-4.1-mini")
          .build());

      FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend)
          .tools(LoopTool.of(new ToolSpec("weather", "The weather in a city",
                  "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"),
              args -> "{\"sky\":\"sunny\",\"celsius\":21}"))
          .build();

      List<Message> history = new ArrayList<>(List.of(Message.user("What is the weather in Paris?")));
      StringBuilder out = new StringBuilder();
      LoopResult r = loop.stream(history, out::append);
      history = new ArrayList<>(r.history());

      assertThat(out.toString()).isEqualTo("Sunny, 21 °C.");
      assertThat(r.text()).isEqualTo("Sunny, 21 °C.");
      assertThat(history).hasSize(4);
      assertThat(referee.rejections()).isEmpty();
    }
  }
}
