package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension runs one referee for the class and resets it before each test. */
class RefereeExtensionTest {

  @RegisterExtension
  static final RefereeExtension REFEREE = RefereeExtension.resetBeforeEach();

  private static ProviderReferee first;

  @BeforeEach
  void sameRefereeAndResetBeforeEachTest() {
    if (first == null) {
      first = REFEREE.get();
    }
    assertThat(REFEREE.get()).isSameAs(first);
    assertThat(REFEREE.get().requests()).isEmpty();
  }

  @Test
  void oneTestLeavesARequest() {
    assertThat(Http.post(REFEREE.get(), Endpoint.CHAT_COMPLETIONS, "{}").status()).isEqualTo(400);
    assertThat(REFEREE.get().requests()).hasSize(1);
  }

  @Test
  void anotherLeavesOneToo() {
    assertThat(Http.post(REFEREE.get(), Endpoint.CHAT_COMPLETIONS, "{}").status()).isEqualTo(400);
    assertThat(REFEREE.get().requests()).hasSize(1);
  }

  @Test
  void anExtensionNotRegisteredSaysSo() {
    assertThatThrownBy(() -> RefereeExtension.shared().get()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("register the RefereeExtension");
  }
}
