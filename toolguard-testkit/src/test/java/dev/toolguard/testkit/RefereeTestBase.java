package dev.toolguard.testkit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** One referee per test class, reset before each test. */
abstract class RefereeTestBase {

  static ProviderReferee referee;

  @BeforeAll
  static void startReferee() {
    referee = ProviderReferee.start();
  }

  @AfterAll
  static void stopReferee() {
    referee.close();
  }

  @BeforeEach
  void resetReferee() {
    referee.reset();
  }

  static Http.Result post(Endpoint endpoint, String body) {
    return Http.post(referee, endpoint, body);
  }
}
