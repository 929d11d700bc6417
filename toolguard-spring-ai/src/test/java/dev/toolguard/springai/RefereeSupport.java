package dev.toolguard.springai;

import dev.toolguard.testkit.ProviderReferee;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.ai.anthropic.AnthropicChatModel;
import org.springframework.ai.anthropic.AnthropicChatOptions;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

/**
 * Spring AI's own OpenAiChatModel (on openai-java) and AnthropicChatModel (on the Anthropic Java SDK),
 * pointed at the testkit's strict referee.
 */
abstract class RefereeSupport {

  static ProviderReferee referee;
  static OpenAiChatModel model;
  static AnthropicChatModel anthropic;

  @BeforeAll
  static void startReferee() {
    referee = ProviderReferee.start();
    model = OpenAiChatModel.builder()
        .options(OpenAiChatOptions.builder()
            .baseUrl(referee.openAiBaseUrl())
            .apiKey("test")
            .model("gpt-test")
            .maxRetries(0)
            .build())
        .build();
    anthropic = AnthropicChatModel.builder()
        .options(AnthropicChatOptions.builder()
            .baseUrl(referee.baseUrl())
            .apiKey("test")
            .model("claude-sonnet-4-5")
            .maxTokens(256)
            .maxRetries(0)
            .build())
        .build();
  }

  /** The two providers' models: Spring AI's OpenAiChatModel and AnthropicChatModel. */
  enum Api {
    OPENAI, ANTHROPIC;

    ChatModel model() {
      return this == OPENAI ? model : anthropic;
    }
  }

  @BeforeEach
  void resetReferee() {
    referee.reset();
  }

  @AfterAll
  static void stopReferee() {
    referee.close();
  }
}
