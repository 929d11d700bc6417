package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private static final Pattern MARKER = Pattern.compile("conv-(\\d{3})");

  private static String marker(int conversation) {
    return String.format(Locale.ROOT, "conv-%03d", conversation);
  }

  private static Set<String> markers(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = MARKER.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  private static Reply reply(RecordedRequest request) {
    Matcher m = MARKER.matcher(request.body());
    String conversation = m.find() ? m.group() : "conv-???";
    int rounds = request.toolResultIds().size();
    return rounds < ROUNDS
        ? Reply.toolCall("step", "{\"conversation\":\"" + conversation + "\",\"round\":" + (rounds + 1) + "}")
        : Reply.text(conversation + " done after " + rounds + " rounds");
  }

  static final class Steps {
    final AtomicInteger runs = new AtomicInteger();

    @Tool(description = "Does one step of the conversation's work")
    String step(String conversation, int round) {
      runs.incrementAndGet();
      return "{\"ok\":\"" + conversation + "\",\"round\":" + round + "}";
    }
  }

  @Test
  void twoHundredConversationsOfTenToolRoundsAtOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CONVERSATIONS);
    try (ProviderReferee referee = ProviderReferee.builder().threads(16).start()) {
      referee.script().respondWith(LoadTest::reply);
      OpenAiChatModel chatModel = OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
          .baseUrl(referee.openAiBaseUrl()).apiKey("test").model("gpt-test").maxRetries(0).build()).build();
      ChatMemory memory = MessageWindowChatMemory.builder().maxMessages(100).build();
      Steps steps = new Steps();
      ChatClient client = ChatClient.builder(chatModel).defaultAdvisors(ToolGuardAdvisor.builder().chatMemory(memory)
          .toolObjects(steps).config(LoopConfig.custom().maxIterations(ROUNDS + 1).build()).build()).build();

      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> futures = new ArrayList<>();
      for (int c = 0; c < CONVERSATIONS; c++) {
        String marker = marker(c);
        futures.add(pool.submit(() -> {
          go.await();
          return client.prompt().user("Hello from " + marker)
              .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, marker)).call().content();
        }));
      }
      long start = System.nanoTime();
      go.countDown();
      List<String> answers = new ArrayList<>();
      for (Future<String> f : futures) {
        answers.add(f.get(120, TimeUnit.SECONDS));
      }
      long millis = (System.nanoTime() - start) / 1_000_000;

      List<RecordedRequest> requests = referee.requests();
      assertThat(referee.rejections()).isEmpty();
      assertThat(requests).hasSize(CONVERSATIONS * (ROUNDS + 1));
      assertThat(requests).allSatisfy(r -> {
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(markers(r.body())).as("conversations in one request").hasSize(1);
      });
      assertThat(steps.runs).hasValue(CONVERSATIONS * ROUNDS);
      for (int c = 0; c < CONVERSATIONS; c++) {
        assertThat(answers.get(c)).isEqualTo(marker(c) + " done after " + ROUNDS + " rounds");
        List<Message> stored = memory.get(marker(c));
        assertThat(HistoryGuard.ofDefaults().check(ToolGuardSpringAi.toCore(stored))).isEmpty();
        assertThat(markers(stored.toString())).containsExactly(marker(c));
        assertThat(stored.stream().filter(m -> m instanceof ToolResponseMessage).count()).isEqualTo(ROUNDS);
      }
      System.out.printf(Locale.ROOT, "RELIABILITY load spring-ai: %d conversations x %d rounds at once (%d requests)"
          + " in %d ms, zero 400s%n", CONVERSATIONS, ROUNDS, requests.size(), millis);
    } finally {
      pool.shutdownNow();
    }
  }
}
