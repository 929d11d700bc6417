package dev.toolguard.springai;

import dev.toolguard.testkit.ProviderReferee;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

/** Spring AI's own OpenAiChatModel (on openai-java), pointed at the testkit's strict referee. */
abstract class RefereeSupport {

  static ProviderReferee referee;
  static OpenAiChatModel model;

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
