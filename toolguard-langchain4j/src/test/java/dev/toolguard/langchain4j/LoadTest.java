package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.time.Duration;
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

/**
 * Load through LangChain4j's own {@code OpenAiChatModel} against the referee on loopback: 200
 * conversations at once, each 10 tool rounds, over one {@link ToolLoop}, each conversation in its own
 * guarded memory on one shared JSON store. Zero 400s, every conversation completed, and no history
 * crosses another: every body the referee received and every stored history carries the marker of
 * its own conversation only.
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

  /** The model: a call per round, naming the conversation of the request's first user message. */
  private static Reply reply(RecordedRequest request) {
    Matcher m = MARKER.matcher(request.body());
    String conversation = m.find() ? m.group() : "conv-???";
    int rounds = request.toolResultIds().size();
    return rounds < ROUNDS
        ? Reply.toolCall("step", "{\"conversation\":\"" + conversation + "\",\"round\":" + (rounds + 1) + "}")
        : Reply.text(conversation + " done after " + rounds + " rounds");
  }

  @Test
  void twoHundredConversationsOfTenToolRoundsAtOnce() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    ToolSpecification spec = ToolSpecification.builder().name("step").description("Does one step")
        .parameters(JsonObjectSchema.builder().addStringProperty("conversation").addIntegerProperty("round").build())
        .build();
    ToolExecutor step = (request, memoryId) -> {
      runs.incrementAndGet();
      Matcher m = MARKER.matcher(request.arguments());
      return "{\"ok\":\"" + (m.find() ? m.group() : "?") + "\",\"memory\":\"" + memoryId + "\"}";
    };
    ExecutorService pool = Executors.newFixedThreadPool(CONVERSATIONS);
    try (ProviderReferee referee = ProviderReferee.builder().threads(16).start()) {
      referee.script().respondWith(LoadTest::reply);
      OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(referee.openAiBaseUrl()).apiKey("test")
          .modelName("gpt-4o-mini").maxRetries(0).timeout(Duration.ofSeconds(60)).build();
      ToolLoop loop = ToolLoop.builder(model).tool(spec, step)
          .config(LoopConfig.custom().maxIterations(ROUNDS + 1).build()).build();
      JsonStore store = new JsonStore();

      CountDownLatch go = new CountDownLatch(1);
      List<Future<ToolLoop.Result>> futures = new ArrayList<>();
      for (int c = 0; c < CONVERSATIONS; c++) {
        String marker = marker(c);
        futures.add(pool.submit(() -> {
          go.await();
          return loop.run(ToolGuard.wrap(MessageWindowChatMemory.builder().id(marker).maxMessages(100)
              .chatMemoryStore(store).build()), UserMessage.from("Hello from " + marker));
        }));
      }
      long start = System.nanoTime();
      go.countDown();
      List<ToolLoop.Result> results = new ArrayList<>();
      for (Future<ToolLoop.Result> f : futures) {
        results.add(f.get(120, TimeUnit.SECONDS));
      }
      long millis = (System.nanoTime() - start) / 1_000_000;

      List<RecordedRequest> requests = referee.requests();
      assertThat(referee.rejections()).isEmpty();
      assertThat(requests).hasSize(CONVERSATIONS * (ROUNDS + 1));
      assertThat(requests).allSatisfy(r -> {
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(markers(r.body())).as("conversations in one request").hasSize(1);
      });
      assertThat(runs).hasValue(CONVERSATIONS * ROUNDS);
      for (int c = 0; c < CONVERSATIONS; c++) {
        ToolLoop.Result r = results.get(c);
        assertThat(r.status()).isEqualTo(Status.COMPLETED);
        assertThat(r.text()).isEqualTo(marker(c) + " done after " + ROUNDS + " rounds");
        List<ChatMessage> stored = store.getMessages(marker(c));
        assertThat(HistoryGuard.ofDefaults().check(ToolGuard.toCore(stored))).isEmpty();
        assertThat(markers(stored.toString())).containsExactly(marker(c));
        assertThat(stored.stream().filter(m -> m instanceof ToolExecutionResultMessage).count()).isEqualTo(ROUNDS);
        assertThat(stored.toString()).as("the tool ran with the conversation's own memory id")
            .contains("\"memory\":\"" + marker(c) + "\"");
      }
      System.out.printf(Locale.ROOT, "RELIABILITY load langchain4j: %d conversations x %d rounds at once (%d requests)"
          + " in %d ms, zero 400s%n", CONVERSATIONS, ROUNDS, requests.size(), millis);
    } finally {
      pool.shutdownNow();
    }
  }
}
