package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.testkit.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.tool.annotation.Tool;

/**
 * The root README's Spring AI snippet (between the tag lines, quoted there verbatim; the examples
 * module's {@code RootReadmeSnippetsTest} checks that), run against the referee through Spring AI's
 * own {@code OpenAiChatModel}.
 */
class QuickStartTest extends RefereeSupport {

  static final class WeatherTools {
    @Tool(description = "The weather in a city")
    String weather(String city) {
      return "sunny in " + city;
    }
  }

  @Test
  void theReadmeSnippetRunsAToolRoundTrip() {
    referee.script().enqueue(Reply.toolCall("weather", "{\"city\":\"Paris\"}"), Reply.text("Sunny in Paris."));
    ChatModel chatModel = model;

    // tag::quick-start[]
    ChatClient client = ChatClient.builder(chatModel)
        .defaultAdvisors(ToolGuardSpringAi.advisor().build())
        .build();

    String answer = client.prompt()
        .user("What is the weather in Paris?")
        .tools(new WeatherTools())
        .call().content();
    // end::quick-start[]

    assertThat(answer).isEqualTo("Sunny in Paris.");
    assertThat(referee.requests()).hasSize(2);
    assertThat(referee.requests().get(1).lastToolResult()).isEqualTo("\"sunny in Paris\""); // Spring AI sends a String result as JSON
    assertThat(referee.rejections()).isEmpty();
  }
}
