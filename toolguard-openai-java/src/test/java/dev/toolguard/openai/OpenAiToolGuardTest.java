package dev.toolguard.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolguardException;
import dev.toolguard.core.loop.ChatRequest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The entry point's argument checks and options, without HTTP. */
class OpenAiToolGuardTest {

  private static final OpenAIClient CLIENT = OpenAIOkHttpClient.builder().apiKey("test")
      .baseUrl("http://127.0.0.1:9/v1").maxRetries(0).build();

  @AfterAll
  static void close() {
    CLIENT.close();
  }

  @Test
  void nullArgumentsAreRefusedByName() {
    assertThatThrownBy(() -> OpenAiToolGuard.wrap((OpenAIClient) null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("client");
    assertThatThrownBy(() -> OpenAiToolGuard.wrap((OpenAIClientAsync) null)).hasMessageContaining("client");
    assertThatThrownBy(() -> OpenAiToolGuard.wrap(CLIENT, null)).hasMessageContaining("options");
    assertThatThrownBy(() -> OpenAiToolGuard.chatCompletions(CLIENT, null)).hasMessageContaining("params");
    assertThatThrownBy(() -> OpenAiToolGuard.responses(null, b -> {})).hasMessageContaining("client");
  }

  @Test
  void wrappingTwiceKeepsOneGuard() {
    OpenAIClient guarded = OpenAiToolGuard.wrap(CLIENT);
    assertThat(OpenAiToolGuard.wrap(guarded)).isSameAs(guarded);
    assertThat(guarded.withOptions(o -> {})).isNotSameAs(guarded).asString().startsWith("OpenAiToolGuard[");
    assertThat(guarded.async().sync()).asString().startsWith("OpenAiToolGuard[");
  }

  @Test
  void optionsCheckTheirValues() {
    assertThatThrownBy(() -> ToolGuardOptions.builder().rememberedResponses(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rememberedResponses");
    assertThatThrownBy(() -> ToolGuardOptions.builder().historyGuard(null)).hasMessageContaining("historyGuard");
    assertThatThrownBy(() -> ToolGuardOptions.builder().historyPolicy(null)).hasMessageContaining("historyPolicy");
    assertThatThrownBy(() -> ToolGuardOptions.builder().onRepair(null)).hasMessageContaining("onRepair");
    assertThat(ToolGuardOptions.ofDefaults().rememberedResponses()).isEqualTo(1_000);
    assertThat(ToolGuardOptions.ofDefaults()).asString().contains("REPAIR");
  }

  @Test
  void aBackendWithoutAModelSaysWhatIsMissing() {
    var backend = OpenAiToolGuard.chatCompletions(CLIENT, (ChatCompletionCreateParams.Builder b) -> {});
    assertThatThrownBy(() -> backend.send(ChatRequest.of(List.of(Message.user("hi")))))
        .isInstanceOf(ToolguardException.class).hasMessageContaining("model");
  }
}
