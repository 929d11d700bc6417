package dev.toolguard.json.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Message;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.json.http.HttpBackendConfig;
import dev.toolguard.json.http.HttpChatBackend;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The root README's framework-free snippet (between the tag lines, quoted there verbatim; the examples
 * module's {@code RootReadmeSnippetsTest} checks that), run against the referee over HTTP.
 */
class QuickStartTest {

  /** A tool class as the README shows it. */
  public static final class WeatherTools {
    @ToolFunction(description = "The weather in a city")
    public String weather(String city) {
      return "sunny in " + city;
    }
  }

  @Test
  void theReadmeSnippetRunsAToolRoundTrip() {
    try (ProviderReferee referee = ProviderReferee.start()) {
      referee.script().enqueue(Reply.toolCall("weather", "{\"city\":\"Paris\"}"), Reply.text("Sunny in Paris."));
      String baseUrl = referee.openAiBaseUrl();
      String apiKey = "test";

      // tag::quick-start[]
      FunctionInvokingLoop loop = FunctionInvokingLoop.builder(HttpChatBackend.openAiChat(HttpBackendConfig.builder()
              .baseUrl(baseUrl).apiKey(apiKey).model("gpt-4o-mini").build()))
          .tools(TypedTools.from(new WeatherTools()).toArray(LoopTool[]::new))
          .build();

      LoopResult result = loop.run(List.of(Message.user("What is the weather in Paris?")));
      String answer = result.text();
      List<Message> history = result.history();     // valid whatever happened: store it, go on from it
      // end::quick-start[]

      assertThat(answer).isEqualTo("Sunny in Paris.");
      assertThat(history).hasSize(4);
      assertThat(referee.requests().get(1).lastToolResult()).isEqualTo("sunny in Paris");
      assertThat(referee.rejections()).isEmpty();
    }
  }
}
