package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import org.junit.jupiter.api.Test;

/**
 * The root README's LangChain4j snippet (between the tag lines, quoted there verbatim; the examples
 * module's {@code RootReadmeSnippetsTest} checks that), run against the referee through LangChain4j's
 * own {@code OpenAiChatModel}.
 */
class QuickStartTest {

  interface Assistant {
    String chat(String message);
  }

  static final class WeatherTools {
    @Tool("The weather in a city")
    String weather(String city) {
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
      ChatModel model = LangChain4jToolGuard.wrap(OpenAiChatModel.builder()
          .baseUrl(baseUrl).apiKey(apiKey).modelName("gpt-4o-mini").build());

      Assistant assistant = AiServices.builder(Assistant.class)
          .chatModel(model)
          .chatMemory(LangChain4jToolGuard.wrap(MessageWindowChatMemory.withMaxMessages(20)))
          .tools(new WeatherTools())
          .build();

      String answer = assistant.chat("What is the weather in Paris?");
      // end::quick-start[]

      assertThat(answer).isEqualTo("Sunny in Paris.");
      assertThat(referee.requests()).hasSize(2);
      assertThat(referee.requests().get(1).lastToolResult()).isEqualTo("sunny in Paris");
      assertThat(referee.rejections()).isEmpty();
    }
  }
}
