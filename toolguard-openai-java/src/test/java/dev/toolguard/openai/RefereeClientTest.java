package dev.toolguard.openai;

import com.openai.client.OpenAIClient;
import dev.toolguard.testkit.ProviderReferee;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** A test class against one referee, reset after each test, and one openai-java client talking to it. */
abstract class RefereeClientTest {

  static ProviderReferee referee;
  static OpenAIClient client;

  @BeforeAll
  static void start() {
    referee = ProviderReferee.start();
    client = Referee.client(referee);
  }

  @AfterAll
  static void stop() {
    client.close();
    referee.close();
  }

  @AfterEach
  void reset() {
    referee.reset();
  }
}
