package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.testkit.ConversationLoad;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
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
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.annotation.Tool;

/**
 * Load through one {@code ChatClient} with {@link ToolGuardAdvisor} over Spring AI's own {@code
 * OpenAiChatModel} against the referee on loopback: 200 conversations at once, each 10 tool rounds,
 * the even ones called and the odd ones streamed, each under its own conversation id in one chat
 * memory; then, with the memory cleared, the same load again.
 *
 * <ul>
 *   <li>zero 400s: every request answered 200, every conversation answered after its 10 rounds;
 *   <li>no history crosses another: every body the referee received names one conversation only;
 *       every stored history holds its own marker only, its 10 results answering its own calls;
 *   <li>nothing keeps a conversation: with the chat memory cleared after the second batch, every
 *       message it held is unreachable (weak references cleared by a full GC); an advisor, loop or
 *       model that kept what it served would keep them alive. The heap after a GC is printed for
 *       RELIABILITY.md, not asserted: it moves with the machine's load (and with the threads and I/O
 *       buffers of the HTTP clients and server).
 * </ul>
 */
class BoundedLoadTest {

  static final int CONVERSATIONS = 200;
  static final int ROUNDS = 10;
  /** The model: a call per round, naming the conversation of the request, then an answer. */
  private static final ConversationLoad LOAD = ConversationLoad.of(CONVERSATIONS, ROUNDS);
  private static final String PADDING = "x".repeat(6_000);


  static final class Steps {
    final AtomicInteger runs = new AtomicInteger();

    @Tool(description = "Does one step of the conversation's work")
    String step(String conversation, int round) {
      runs.incrementAndGet();
      return "{\"ok\":\"" + conversation + "\",\"round\":" + round + ",\"log\":\"" + PADDING + "\"}";
    }
  }

  private record Batch(List<String> answers, List<RecordedRequest> requests, long millis) {}

  private static Batch batch(ChatClient client, ProviderReferee referee, ExecutorService pool) throws Exception {
    referee.clearRequests();
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> futures = new ArrayList<>();
    for (int c = 0; c < CONVERSATIONS; c++) {
      String marker = ConversationLoad.marker(c);
      boolean stream = c % 2 == 1;
      futures.add(pool.submit(() -> {
        go.await();
        ChatClient.ChatClientRequestSpec spec = client.prompt().user("Hello from " + marker)
            .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, marker));
        return stream ? String.join("", spec.stream().content().collectList().block()) : spec.call().content();
      }));
    }
    long start = System.nanoTime();
    go.countDown();
    List<String> answers = new ArrayList<>();
    for (Future<String> f : futures) {
      answers.add(f.get(300, TimeUnit.SECONDS));
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    List<RecordedRequest> requests = referee.requests();
    referee.clearRequests();
    return new Batch(answers, requests, millis);
  }

  private static void assertNothingCrossed(Batch batch, ChatMemory memory) {
    assertThat(batch.requests()).hasSize(CONVERSATIONS * (ROUNDS + 1));
    assertThat(batch.requests()).allSatisfy(r -> {
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      assertThat(ConversationLoad.markers(r.body())).as("conversations in one request").hasSize(1);
    });
    assertThat(batch.requests()).filteredOn(RecordedRequest::stream).hasSize(CONVERSATIONS / 2 * (ROUNDS + 1));
    for (int c = 0; c < CONVERSATIONS; c++) {
      String marker = ConversationLoad.marker(c);
      assertThat(batch.answers().get(c)).isEqualTo(LOAD.answer(c));
      List<Message> stored = memory.get(marker);
      assertThat(HistoryGuard.ofDefaults().check(ToolGuardSpringAi.toCore(stored))).isEmpty();
      assertThat(ConversationLoad.markers(stored.toString())).containsExactly(marker);
      List<String> calls = new ArrayList<>();
      List<String> results = new ArrayList<>();
      for (Message m : stored) {
        if (m instanceof AssistantMessage a) {
          a.getToolCalls().forEach(call -> calls.add(call.id()));
        } else if (m instanceof ToolResponseMessage t) {
          t.getResponses().forEach(r -> {
            results.add(r.id());
            assertThat(r.responseData()).startsWith("{\"ok\":\"" + marker + "\"");
          });
        }
      }
      assertThat(results).hasSize(ROUNDS).containsExactlyElementsOf(calls);
    }
  }

  /** The application forgets the conversations it served. */
  private static void cleared(ChatMemory memory) {
    for (int c = 0; c < CONVERSATIONS; c++) {
      memory.clear(ConversationLoad.marker(c));
    }
  }

  @Test
  void twoHundredConversationsOfTenToolRoundsAtOnceTwiceWithBoundedMemory() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CONVERSATIONS);
    try (ProviderReferee referee = ProviderReferee.builder().threads(16).start()) {
      referee.script().respondWith(LOAD::reply);
      OpenAiChatModel chatModel = OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
          .baseUrl(referee.openAiBaseUrl()).apiKey("test").model("gpt-test").maxRetries(0).build()).build();
      ChatMemory memory = MessageWindowChatMemory.builder().maxMessages(100).build();
      Steps steps = new Steps();
      ChatClient client = ChatClient.builder(chatModel).defaultAdvisors(ToolGuardAdvisor.builder().chatMemory(memory)
          .toolObjects(steps).journal(CallJournal.inMemory(10_000, 1 << 20))
          .config(LoopConfig.custom().maxIterations(ROUNDS + 1).build()).build()).build();

      Batch first = batch(client, referee, pool);
      assertNothingCrossed(first, memory);
      long firstMillis = first.millis();
      first = null;
      cleared(memory);
      long before = ConversationLoad.heapAfterGc();
      Batch second = batch(client, referee, pool);
      assertNothingCrossed(second, memory);
      long secondMillis = second.millis();
      second = null;
      List<java.lang.ref.WeakReference<Object>> kept = new java.util.ArrayList<>();
      for (int c = 0; c < CONVERSATIONS; c++) {
        for (Object m : memory.get(ConversationLoad.marker(c))) {
          kept.add(new java.lang.ref.WeakReference<>(m));
        }
      }
      assertThat(kept).hasSizeGreaterThan(CONVERSATIONS);
      cleared(memory);
      long after = ConversationLoad.heapAfterGc();
      for (int i = 0; i < 10 && kept.stream().anyMatch(k -> k.get() != null); i++) {
        System.gc();
      }
      assertThat(kept.stream().filter(k -> k.get() != null).count())
          .as("messages of the second batch still reachable once the memory is cleared").isZero();
      assertThat(steps.runs).hasValue(2 * CONVERSATIONS * ROUNDS);

      System.out.printf(Locale.ROOT, "RELIABILITY load spring-ai: 2 batches of %d conversations x %d rounds, half"
          + " called and half streamed (%d requests each, in %d ms and %d ms), zero 400s; heap after GC %d KB after"
          + " the first batch, %d KB after the second%n", CONVERSATIONS, ROUNDS, CONVERSATIONS * (ROUNDS + 1),
          firstMillis, secondMillis, before / 1024, after / 1024);
    } finally {
      pool.shutdownNow();
    }
  }
}
