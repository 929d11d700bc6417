package dev.toolguard.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import dev.toolguard.testkit.ProviderReferee;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The testkit referee and the real openai-java OkHttp clients pointed at it. */
final class Referee {
  private Referee() {}

  /** A bare openai-java client talking HTTP to {@code referee}. */
  static OpenAIClient client(ProviderReferee referee) {
    return OpenAIOkHttpClient.builder()
        .apiKey("test")
        .baseUrl(referee.openAiBaseUrl())
        .maxRetries(0)
        .build();
  }

  /** Asserts that {@code call} fails with the provider's 400 carrying {@code message}. */
  static void rejected(ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOf(BadRequestException.class).hasMessageContaining(message);
  }
}
