package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.store.memory.chat.InMemoryChatMemoryStore;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.testkit.ConversationLoad;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Load through LangChain4j's own {@code OpenAiChatModel} and {@code AnthropicChatModel} against the
 * referee on loopback: 200 conversations at once, each 10 tool rounds, a quarter each over OpenAI and
 * Anthropic, whole and streamed ({@code OpenAiStreamingChatModel}, {@code AnthropicStreamingChatModel}),
 * each in its own guarded {@code MessageWindowChatMemory} on one shared store; then, with the store
 * emptied, the same load again.
 *
 * <ul>
 *   <li>zero 400s: every request answered 200, every conversation completed after its 10 rounds;
 *   <li>no history crosses another: every body the referee received names one conversation only; every
 *       stored history holds its own marker only, its 10 results answering its own calls, each run with
 *       the conversation's own memory id;
 *   <li>nothing keeps a conversation: with the store emptied after the second batch, every result
 *       and message of it is unreachable (weak references cleared by a full GC); a loop, memory
 *       wrapper or model that kept what it served would keep them alive. The heap after a GC is
 *       printed for RELIABILITY.md, not asserted: it moves with the machine's load (and with the
 *       threads and I/O buffers of the HTTP clients and server).
 * </ul>
 */
class BoundedLoadTest {

  static final int CONVERSATIONS = 200;
  static final int ROUNDS = 10;
  /** The model: a call per round, naming the conversation of the request, then an answer. */
  private static final ConversationLoad LOAD = ConversationLoad.of(CONVERSATIONS, ROUNDS);
  private static final String PADDING = "x".repeat(6_000);


  private record Batch(List<ToolLoop.Result> results, List<RecordedRequest> requests, long millis) {}

  private static Batch batch(List<ToolLoop> loops, InMemoryChatMemoryStore store, ProviderReferee referee,
      ExecutorService pool) throws Exception {
    referee.clearRequests();
    CountDownLatch go = new CountDownLatch(1);
    List<Future<ToolLoop.Result>> futures = new ArrayList<>();
    for (int c = 0; c < CONVERSATIONS; c++) {
      String marker = ConversationLoad.marker(c);
      ToolLoop loop = loops.get(c % loops.size());
      boolean stream = c % loops.size() >= 2;
      futures.add(pool.submit(() -> {
        go.await();
        ChatMemory memory = LangChain4jToolGuard.wrap(MessageWindowChatMemory.builder().id(marker).maxMessages(100)
            .chatMemoryStore(store).build());
        return stream ? loop.stream(memory, text -> { }, UserMessage.from("Hello from " + marker))
            : loop.run(memory, UserMessage.from("Hello from " + marker));
      }));
    }
    long start = System.nanoTime();
    go.countDown();
    List<ToolLoop.Result> results = new ArrayList<>();
    for (Future<ToolLoop.Result> f : futures) {
      results.add(f.get(300, TimeUnit.SECONDS));
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    List<RecordedRequest> requests = referee.requests();
    referee.clearRequests();
    return new Batch(results, requests, millis);
  }

  private static void assertNothingCrossed(Batch batch, InMemoryChatMemoryStore store) {
    assertThat(batch.requests()).hasSize(CONVERSATIONS * (ROUNDS + 1));
    assertThat(batch.requests()).allSatisfy(r -> {
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      assertThat(ConversationLoad.markers(r.body())).as("conversations in one request").hasSize(1);
    });
    assertThat(batch.requests()).filteredOn(r -> r.endpoint() == Endpoint.MESSAGES)
        .hasSize(CONVERSATIONS / 2 * (ROUNDS + 1));
    assertThat(batch.requests()).filteredOn(RecordedRequest::stream).hasSize(CONVERSATIONS / 2 * (ROUNDS + 1));
    for (int c = 0; c < CONVERSATIONS; c++) {
      String marker = ConversationLoad.marker(c);
      ToolLoop.Result r = batch.results().get(c);
      assertThat(r.status()).isEqualTo(Status.COMPLETED);
      assertThat(r.text()).isEqualTo(LOAD.answer(c));
      List<ChatMessage> stored = store.getMessages(marker);
      assertThat(HistoryGuard.ofDefaults().check(LangChain4jToolGuard.toCore(stored))).isEmpty();
      assertThat(ConversationLoad.markers(stored.toString())).containsExactly(marker);
      List<String> calls = new ArrayList<>();
      List<String> results = new ArrayList<>();
      for (ChatMessage m : stored) {
        if (m instanceof AiMessage ai) {
          ai.toolExecutionRequests().forEach(t -> calls.add(t.id()));
        } else if (m instanceof ToolExecutionResultMessage t) {
          results.add(t.id());
          assertThat(t.text()).as("the tool ran with the conversation's own memory id")
              .startsWith("{\"ok\":\"" + marker + "\",\"memory\":\"" + marker + "\"");
        }
      }
      assertThat(results).hasSize(ROUNDS).containsExactlyElementsOf(calls);
    }
  }

  @Test
  void twoHundredConversationsOfTenToolRoundsAtOnceTwiceWithBoundedMemory() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    ToolSpecification spec = ToolSpecification.builder().name("step").description("Does one step")
        .parameters(JsonObjectSchema.builder().addStringProperty("conversation").addIntegerProperty("round").build())
        .build();
    ToolExecutor step = (request, memoryId) -> {
      runs.incrementAndGet();
      String conversation = ConversationLoad.markers(request.arguments()).stream().findFirst().orElse("?");
      return "{\"ok\":\"" + conversation + "\",\"memory\":\"" + memoryId + "\",\"log\":\"" + PADDING
          + "\"}";
    };
    ExecutorService pool = Executors.newFixedThreadPool(CONVERSATIONS);
    try (ProviderReferee referee = ProviderReferee.builder().threads(16).start()) {
      referee.script().respondWith(LOAD::reply);
      LoopConfig config = LoopConfig.custom().maxIterations(ROUNDS + 1).build();
      CallJournal journal = CallJournal.inMemory(10_000, 1 << 20);
      String url = referee.openAiBaseUrl();
      Duration timeout = Duration.ofSeconds(120);
      // the order of the loops: OpenAI, Anthropic, OpenAI streamed, Anthropic streamed
      List<ToolLoop> loops = List.of(
          ToolLoop.builder(OpenAiChatModel.builder().baseUrl(url).apiKey("test").modelName("gpt-4o-mini")
              .maxRetries(0).timeout(timeout).build()).tool(spec, step).config(config).journal(journal).build(),
          ToolLoop.builder(AnthropicChatModel.builder().baseUrl(url).apiKey("test").modelName("claude-sonnet-4-5")
              .maxTokens(256).maxRetries(0).timeout(timeout).build()).tool(spec, step).config(config)
              .journal(journal).build(),
          ToolLoop.builder(OpenAiStreamingChatModel.builder().baseUrl(url).apiKey("test").modelName("gpt-4o-mini")
              .timeout(timeout).build()).tool(spec, step).config(config).journal(journal).build(),
          ToolLoop.builder(AnthropicStreamingChatModel.builder().baseUrl(url).apiKey("test")
              .modelName("claude-sonnet-4-5").maxTokens(256).timeout(timeout).build()).tool(spec, step)
              .config(config).journal(journal).build());
      InMemoryChatMemoryStore store = new InMemoryChatMemoryStore();

      Batch first = batch(loops, store, referee, pool);
      assertNothingCrossed(first, store);
      long firstMillis = first.millis();
      first = null;
      emptied(store);
      long before = ConversationLoad.heapAfterGc();
      Batch second = batch(loops, store, referee, pool);
      assertNothingCrossed(second, store);
      long secondMillis = second.millis();
      List<java.lang.ref.WeakReference<Object>> kept = new java.util.ArrayList<>();
      for (ToolLoop.Result r : second.results()) {
        kept.add(new java.lang.ref.WeakReference<>(r));
        for (Object m : r.messages()) {
          kept.add(new java.lang.ref.WeakReference<>(m));
        }
      }
      second = null;
      emptied(store);
      long after = ConversationLoad.heapAfterGc();
      for (int i = 0; i < 10 && kept.stream().anyMatch(k -> k.get() != null); i++) {
        System.gc();
      }
      assertThat(kept.stream().filter(k -> k.get() != null).count())
          .as("results and messages of the second batch still reachable once the store is emptied").isZero();
      assertThat(runs).hasValue(2 * CONVERSATIONS * ROUNDS);

      System.out.printf(Locale.ROOT, "RELIABILITY load langchain4j: 2 batches of %d conversations x %d rounds over"
          + " OpenAI and Anthropic, whole and streamed (%d requests each, in %d ms and %d ms), zero 400s; heap after GC %d KB after the"
          + " first batch, %d KB after the second%n", CONVERSATIONS, ROUNDS, CONVERSATIONS * (ROUNDS + 1),
          firstMillis, secondMillis, before / 1024, after / 1024);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The application forgets the conversations it served. */
  private static void emptied(InMemoryChatMemoryStore store) {
    for (int c = 0; c < CONVERSATIONS; c++) {
      store.deleteMessages(ConversationLoad.marker(c));
    }
  }
}
