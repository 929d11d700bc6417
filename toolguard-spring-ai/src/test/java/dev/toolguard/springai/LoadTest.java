package dev.toolguard.springai;

import static dev.toolguard.testkit.ConversationLoad.marker;
import static dev.toolguard.testkit.ConversationLoad.markers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.testkit.ConversationLoad;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.annotation.Tool;

/**
 * Load through one {@code ChatClient} with {@link ToolGuardAdvisor} over Spring AI's own {@code
 * OpenAiChatModel} against the referee on loopback: 200 conversations at once, each 10 tool rounds,
 * each under its own conversation id in one chat memory. Zero 400s, every conversation answered, and
 * no history crosses another: every body the referee received and every stored history carries the
 * marker of its own conversation only.
 */
class LoadTest {

  static final int CONVERSATIONS = 200;
  static final int ROUNDS = 10;
  private static final ConversationLoad LOAD = ConversationLoad.of(CONVERSATIONS, ROUNDS);

  static final class Steps {
    final AtomicInteger runs = new AtomicInteger();

    @Tool(name = ConversationLoad.TOOL, description = "Does one step of the conversation's work")
    String step(String conversation, int round) {
      runs.incrementAndGet();
      return "{\"ok\":\"" + conversation + "\",\"round\":" + round + "}";
    }
  }

  @Test
  void twoHundredConversationsOfTenToolRoundsAtOnce() throws Exception {
    try (ProviderReferee referee = ProviderReferee.builder().threads(16).start()) {
      referee.script().respondWith(LOAD::reply);
      OpenAiChatModel chatModel = OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
          .baseUrl(referee.openAiBaseUrl()).apiKey("test").model("gpt-test").maxRetries(0).build()).build();
      ChatMemory memory = MessageWindowChatMemory.builder().maxMessages(100).build();
      Steps steps = new Steps();
      ChatClient client = ChatClient.builder(chatModel).defaultAdvisors(ToolGuardAdvisor.builder().chatMemory(memory)
          .toolObjects(steps).config(LoopConfig.custom().maxIterations(ROUNDS + 1).build()).build()).build();

      ConversationLoad.Run<String> run = LOAD.runAtOnce(c -> () -> client.prompt().user("Hello from " + marker(c))
          .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, marker(c))).call().content(), Duration.ofSeconds(120));

      List<RecordedRequest> requests = referee.requests();
      assertThat(referee.rejections()).isEmpty();
      assertThat(requests).hasSize(LOAD.requests());
      assertThat(requests).allSatisfy(r -> {
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(markers(r.body())).as("conversations in one request").hasSize(1);
      });
      assertThat(steps.runs).hasValue(CONVERSATIONS * ROUNDS);
      for (int c = 0; c < CONVERSATIONS; c++) {
        assertThat(run.results().get(c)).isEqualTo(LOAD.answer(c));
        List<Message> stored = memory.get(marker(c));
        assertThat(HistoryGuard.ofDefaults().check(ToolGuardSpringAi.toCore(stored))).isEmpty();
        assertThat(markers(stored.toString())).containsExactly(marker(c));
        assertThat(stored.stream().filter(m -> m instanceof ToolResponseMessage).count()).isEqualTo(ROUNDS);
      }
      System.out.printf(Locale.ROOT, "RELIABILITY load spring-ai: %d conversations x %d rounds at once (%d requests)"
          + " in %d ms, zero 400s%n", CONVERSATIONS, ROUNDS, requests.size(), run.millis());
    }
  }
}
