package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConversationLoadTest extends RefereeTestBase {

  private static final ConversationLoad LOAD = ConversationLoad.of(3, 2);

  private static String chat(String user, int results) {
    StringBuilder messages = new StringBuilder("{\"role\":\"user\",\"content\":\"" + user + "\"}");
    for (int i = 1; i <= results; i++) {
      messages.append(",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c").append(i)
          .append("\",\"type\":\"function\",\"function\":{\"name\":\"step\",\"arguments\":\"{}\"}}]}")
          .append(",{\"role\":\"tool\",\"tool_call_id\":\"c").append(i).append("\",\"content\":\"ok\"}");
    }
    return "{\"model\":\"gpt-4o\",\"messages\":[" + messages + "]}";
  }

  @Test
  void theModelAsksOnceARoundForTheConversationThenAnswers() {
    referee.script().respondWith(LOAD::reply);
    JsonNode first = post(Endpoint.CHAT_COMPLETIONS, chat("Hello from conv-001", 0)).json();
    assertThat(first.at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo(ConversationLoad.TOOL);
    assertThat(first.at("/choices/0/message/tool_calls/0/function/arguments").asText())
        .isEqualTo("{\"conversation\":\"conv-001\",\"round\":1}");
    JsonNode second = post(Endpoint.CHAT_COMPLETIONS, chat("Hello from conv-001", 1)).json();
    assertThat(second.at("/choices/0/message/tool_calls/0/function/arguments").asText())
        .isEqualTo("{\"conversation\":\"conv-001\",\"round\":2}");
    JsonNode last = post(Endpoint.CHAT_COMPLETIONS, chat("Hello from conv-001", 2)).json();
    assertThat(last.at("/choices/0/message/content").asText()).isEqualTo(LOAD.answer(1))
        .isEqualTo("conv-001 done after 2 rounds");
    assertThat(LOAD.requests()).isEqualTo(9);
  }

  @Test
  void markersAreThreeDigitsAndFoundDistinctAndSorted() {
    assertThat(ConversationLoad.marker(7)).isEqualTo("conv-007");
    assertThat(ConversationLoad.markers("conv-002 then conv-001, conv-002 and conv-1"))
        .containsExactly("conv-001", "conv-002");
    assertThatThrownBy(() -> ConversationLoad.of(1001, 1)).hasMessageContaining("conversations must be 1 to 1000");
    assertThatThrownBy(() -> ConversationLoad.of(1, 0)).hasMessage("rounds must be at least 1, was 0");
  }

  @Test
  void allConversationsRunAtOnceAndResultsKeepTheirOrder() throws Exception {
    CountDownLatch all = new CountDownLatch(LOAD.conversations());
    ConversationLoad.Run<String> run = LOAD.runAtOnce(c -> () -> {
      all.countDown();
      // every conversation waits for the others: they must all be running at the same time
      if (!all.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the conversations did not run at once");
      }
      return ConversationLoad.marker(c);
    }, Duration.ofSeconds(20));
    assertThat(run.results()).containsExactly("conv-000", "conv-001", "conv-002");
    assertThat(run.millis()).isNotNegative();

    assertThatThrownBy(() -> LOAD.runAtOnce(c -> () -> {
      if (c == 1) {
        throw new IllegalStateException("conversation 1 failed");
      }
      return c;
    }, Duration.ofSeconds(20))).isInstanceOf(ExecutionException.class).hasRootCauseMessage("conversation 1 failed");
  }
}
