package dev.toolguard.openai;

import static dev.toolguard.testkit.ConversationLoad.marker;
import static dev.toolguard.testkit.ConversationLoad.markers;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.testkit.ConversationLoad;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Load through openai-java's own OkHttp client against the referee on loopback: 200 conversations at
 * once, each 10 tool rounds, half over Chat Completions and half over Responses, on one guarded client;
 * then the same load again, to see that memory does not grow with the number of conversations served.
 *
 * <ul>
 *   <li>zero 400s, every request answered 200, every conversation completed;
 *   <li>no history crosses another: every body the referee received and every history the loop
 *       returned carries the marker of its own conversation only;
 *   <li>nothing keeps a conversation: once a batch is over and the test lets go of its results,
 *       every conversation's result and history is unreachable (weak references, cleared by a full
 *       GC); a loop, a client or a guard that kept a history would keep its reference alive. The
 *       heap after a GC is printed for RELIABILITY.md, not asserted: it moves with the machine's load.
 * </ul>
 */
class LoadTest {

  static final int CONVERSATIONS = 200;
  static final int ROUNDS = 10;
  private static final ConversationLoad LOAD = ConversationLoad.of(CONVERSATIONS, ROUNDS);
  /** A tool output of about 2 KB: a leak of the histories would show in megabytes per batch. */
  private static final String PADDING = "x".repeat(2_000);

  private record Batch(List<LoopResult> results, List<RecordedRequest> requests, long millis) {}

  /** 200 conversations at once: the even ones over Chat Completions, the odd ones over Responses. */
  private static Batch batch(FunctionInvokingLoop chat, FunctionInvokingLoop responses, ProviderReferee referee)
      throws Exception {
    referee.clearRequests();
    ConversationLoad.Run<LoopResult> run = LOAD.runAtOnce(c -> {
      FunctionInvokingLoop loop = c % 2 == 0 ? chat : responses;
      return () -> loop.run(List.of(Message.system("Be brief."), Message.user("Hello from " + marker(c))));
    }, Duration.ofSeconds(120));
    List<RecordedRequest> requests = referee.requests();
    referee.clearRequests();
    referee.responses().clear();
    return new Batch(run.results(), requests, run.millis());
  }

  private static void assertNothingCrossed(Batch batch) {
    assertThat(batch.requests()).hasSize(LOAD.requests());
    assertThat(batch.requests()).allSatisfy(r -> {
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      assertThat(markers(r.body())).as("conversations in one request").hasSize(1);
    });
    assertThat(batch.requests()).filteredOn(r -> r.endpoint() == Endpoint.RESPONSES)
        .hasSize(CONVERSATIONS / 2 * (ROUNDS + 1));
    for (int c = 0; c < CONVERSATIONS; c++) {
      LoopResult r = batch.results().get(c);
      assertThat(r.status()).isEqualTo(Status.COMPLETED);
      assertThat(r.text()).isEqualTo(LOAD.answer(c));
      assertThat(r.iterations()).isEqualTo(ROUNDS + 1);
      assertThat(HistoryGuard.ofDefaults().check(r.history())).isEmpty();
      String all = r.history().toString();
      assertThat(markers(all)).containsExactly(marker(c));
      assertThat(r.history().stream().mapToLong(m -> m.toolResults().size()).sum()).isEqualTo(ROUNDS);
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** How many of {@code refs} a full GC leaves set (at most 10 collections, until all are cleared). */
  private static long stillReachable(List<WeakReference<Object>> refs) {
    for (int i = 0; i < 10 && refs.stream().anyMatch(r -> r.get() != null); i++) {
      System.gc();
    }
    return refs.stream().filter(r -> r.get() != null).count();
  }

  @Test
  void twoHundredConversationsOfTenToolRoundsAtOnceOverOneClient() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    LoopTool step = LoopTool.of(ToolSpec.of(ConversationLoad.TOOL, "Does one step of the conversation's work"), args -> {
      runs.incrementAndGet();
      String conversation = markers(args).stream().findFirst().orElse("?");
      return "{\"ok\":\"" + conversation + "\",\"log\":\"" + PADDING + "\"}";
    });
    try (ProviderReferee referee = ProviderReferee.builder().threads(16).start()) {
      OpenAIClient client = OpenAIOkHttpClient.builder().apiKey("test").baseUrl(referee.openAiBaseUrl())
          .maxRetries(0).timeout(Duration.ofSeconds(60)).build();
      referee.script().respondWith(LOAD::reply);
      LoopConfig config = LoopConfig.custom().maxIterations(ROUNDS + 1).build();
      CallJournal journal = CallJournal.inMemory(500);
      FunctionInvokingLoop chat = FunctionInvokingLoop.builder(
              OpenAiToolGuard.chatCompletions(OpenAiToolGuard.wrap(client), (ChatCompletionCreateParams.Builder b) -> b.model("gpt-test")))
          .tools(step).config(config).journal(journal).build();
      FunctionInvokingLoop responses = FunctionInvokingLoop.builder(
              OpenAiToolGuard.responses(OpenAiToolGuard.wrap(client), (ResponseCreateParams.Builder b) -> b.model("gpt-test").store(false)))
          .tools(step).config(config).journal(journal).build();

      Batch first = batch(chat, responses, referee);
      assertNothingCrossed(first);
      first = null;
      long before = heapAfterGc();
      Batch second = batch(chat, responses, referee);
      assertNothingCrossed(second);
      long millis = second.millis();
      List<WeakReference<Object>> kept = new ArrayList<>();
      for (LoopResult r : second.results()) {
        kept.add(new WeakReference<>(r));
        kept.add(new WeakReference<>(r.history()));
      }
      second = null;
      long after = heapAfterGc();
      assertThat(stillReachable(kept)).as("results and histories of the second batch still reachable").isZero();
      assertThat(runs).hasValue(2 * CONVERSATIONS * ROUNDS);

      System.out.printf(Locale.ROOT, "RELIABILITY load openai-java: 2 batches of %d conversations x %d rounds"
          + " (%d requests each, the second in %d ms), zero 400s; heap after GC %d KB after the first batch, %d KB"
          + " after the second%n", CONVERSATIONS, ROUNDS, CONVERSATIONS * (ROUNDS + 1), millis, before / 1024,
          after / 1024);
      client.close();
    }
  }
}
