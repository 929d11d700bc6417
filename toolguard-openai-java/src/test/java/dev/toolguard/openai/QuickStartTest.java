package dev.toolguard.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The root README's openai-java snippet (between the tag lines, quoted there verbatim; the examples
 * module's {@code RootReadmeSnippetsTest} checks that), run against the referee with a stored history
 * that is broken (a user message between a call and its result): bare it gets the provider's 400.
 */
class QuickStartTest {

  @Test
  void theReadmeSnippetSendsABrokenHistoryRepaired() {
    try (ProviderReferee referee = ProviderReferee.start()) {
      referee.script().enqueue(Reply.text("It is sunny in Paris."));
      String baseUrl = referee.openAiBaseUrl();
      String apiKey = "test";
      List<ChatCompletionMessageParam> storedMessages = Wire.chat("""
          [{"role":"user","content":"Weather in Paris?"},
           {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
             "function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
           {"role":"user","content":"In Celsius, please."},
           {"role":"tool","tool_call_id":"call_1","content":"sunny, 21 C"}]""");

      // tag::quick-start[]
      OpenAIClient client = OpenAiToolGuard.wrap(OpenAIOkHttpClient.builder()
          .baseUrl(baseUrl).apiKey(apiKey).build());

      ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder()
          .model(ChatModel.GPT_4O_MINI)
          .messages(storedMessages)          // may be broken: it is repaired before it is sent
          .build());
      // end::quick-start[]

      assertThat(answer.choices().get(0).message().content()).hasValue("It is sunny in Paris.");
      assertThat(referee.rejections()).isEmpty();
      assertThat(referee.requests().get(0).json().at("/messages/2/role").asText()).isEqualTo("tool");
      assertThat(referee.requests().get(0).json().at("/messages/3/content").asText()).isEqualTo("In Celsius, please.");
    }
  }
}
