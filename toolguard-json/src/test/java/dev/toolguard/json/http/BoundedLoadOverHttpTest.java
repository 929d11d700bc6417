package dev.toolguard.json.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;

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
import dev.toolguard.testkit.Reply;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashSet;
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
 * Load through the framework-free way in — one {@link FunctionInvokingLoop} per dialect over {@link
 * HttpChatBackend} and one JDK client — against the referee on loopback: 200 conversations at once,
 * spread over the three dialects, each 10 tool rounds; then the same load again.
 *
 * <ul>
 *   <li>zero 400s: every request answered 200, every conversation completed after its 10 rounds;
 *   <li>no history crosses another: every body the referee received names one conversation only, and
 *       every history the loop returned holds its own conversation's marker only, its 10 results
 *       answering its own calls;
 *   <li>nothing keeps a conversation: once the second batch is over and the test lets go of its
 *       results, every result and history is unreachable (weak references cleared by a full GC); a
 *       loop, backend or client that kept what it served would keep them alive. The heap after a GC
 *       is printed for RELIABILITY.md, not asserted: it moves with the machine's load. The call
 *       journal, the one thing meant to keep outputs, is capped at 1 Mi characters here.
 * </ul>
 */
class BoundedLoadOverHttpTest {

  static final int CONVERSATIONS = 200;
  static final int ROUNDS = 10;
  private static final Pattern MARKER = Pattern.compile("conv-[a-z-]+-\\d{3}");
  private static final String PADDING = "x".repeat(2_000);

  private static String marker(Dialect d, int conversation) {
    return String.format(Locale.ROOT, "conv-%s-%03d", d.id(), conversation);
  }

  private static Endpoint endpoint(Dialect d) {
    return d == Dialect.OPENAI_CHAT ? Endpoint.CHAT_COMPLETIONS
        : d == Dialect.OPENAI_RESPONSES ? Endpoint.RESPONSES : Endpoint.MESSAGES;
  }

  private static Set<String> markers(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = MARKER.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** The model: a call per round, naming the conversation of the request, then an answer. */
  private static Reply reply(RecordedRequest request) {
    String user = request.lastUserText();
    Matcher m = MARKER.matcher(user == null ? "" : user);
    String conversation = m.find() ? m.group() : "conv-none-000";
    int rounds = request.toolResultIds().size();
    return rounds < ROUNDS
        ? Reply.toolCall("step", "{\"conversation\":\"" + conversation + "\",\"round\":" + (rounds + 1) + "}")
        : Reply.text(conversation + " done after " + rounds + " rounds");
  }

  private record Batch(List<Dialect> dialects, List<LoopResult> results, List<RecordedRequest> requests,
      long millis) {}

  private static Batch batch(List<FunctionInvokingLoop> loops, ProviderReferee referee, ExecutorService pool)
      throws Exception {
    referee.clearRequests();
    CountDownLatch go = new CountDownLatch(1);
    List<Dialect> dialects = new ArrayList<>();
    List<Future<LoopResult>> futures = new ArrayList<>();
    for (int c = 0; c < CONVERSATIONS; c++) {
      Dialect d = List.copyOf(Http.CLASSIC).get(c % Http.CLASSIC.size());
      String marker = marker(d, c);
      FunctionInvokingLoop loop = loops.get(d.ordinal());
      dialects.add(d);
      futures.add(pool.submit(() -> {
        go.await();
        return loop.run(List.of(Message.user("Hello from " + marker)));
      }));
    }
    long start = System.nanoTime();
    go.countDown();
    List<LoopResult> results = new ArrayList<>();
    for (Future<LoopResult> f : futures) {
      results.add(f.get(300, TimeUnit.SECONDS));
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    List<RecordedRequest> requests = referee.requests();
    referee.clearRequests();
    referee.responses().clear();
    return new Batch(dialects, results, requests, millis);
  }

  private static void assertNothingCrossed(Batch batch) {
    assertThat(batch.requests()).hasSize(CONVERSATIONS * (ROUNDS + 1));
    assertThat(batch.requests()).allSatisfy(r -> {
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      assertThat(markers(r.body())).as("conversations in one request").hasSize(1);
    });
    for (Dialect d : Http.CLASSIC) {
      long conversations = batch.dialects().stream().filter(d::equals).count();
      assertThat(batch.requests()).filteredOn(r -> r.endpoint() == endpoint(d))
          .hasSize((int) conversations * (ROUNDS + 1));
    }
    for (int i = 0; i < CONVERSATIONS; i++) {
      String marker = marker(batch.dialects().get(i), i);
      LoopResult r = batch.results().get(i);
      assertThat(r.status()).isEqualTo(Status.COMPLETED);
      assertThat(r.text()).isEqualTo(marker + " done after " + ROUNDS + " rounds");
      assertThat(r.iterations()).isEqualTo(ROUNDS + 1);
      assertThat(HistoryGuard.ofDefaults().check(r.history())).isEmpty();
      assertThat(markers(r.history().toString())).containsExactly(marker);
      List<String> calls = new ArrayList<>();
      List<String> results = new ArrayList<>();
      for (Message m : r.history()) {
        m.toolCalls().forEach(call -> calls.add(call.callId()));
        m.toolResults().forEach(result -> {
          results.add(result.callId());
          assertThat(result.output()).startsWith("{\"ok\":\"" + marker + "\"");
        });
      }
      assertThat(results).hasSize(ROUNDS).containsExactlyElementsOf(calls);
      assertThat(new HashSet<>(calls)).hasSize(ROUNDS);
    }
  }

  @Test
  void twoHundredConversationsOfTenToolRoundsAtOnceTwiceWithBoundedMemory() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    LoopTool step = LoopTool.of(ToolSpec.of("step", "Does one step of the conversation's work"), args -> {
      runs.incrementAndGet();
      Matcher m = MARKER.matcher(args);
      return "{\"ok\":\"" + (m.find() ? m.group() : "?") + "\",\"log\":\"" + PADDING + "\"}";
    });
    ExecutorService pool = Executors.newFixedThreadPool(CONVERSATIONS);
    HttpClient client = HttpClient.newHttpClient();
    try (ProviderReferee referee = ProviderReferee.builder().threads(16).start()) {
      referee.script().respondWith(BoundedLoadOverHttpTest::reply);
      LoopConfig config = LoopConfig.custom().maxIterations(ROUNDS + 1).build();
      CallJournal journal = CallJournal.inMemory(10_000, 1 << 20);
      List<FunctionInvokingLoop> loops = new ArrayList<>();
      for (Dialect d : Http.CLASSIC) {
        HttpChatBackend backend = HttpChatBackend.of(d, HttpBackendConfig.builder().baseUrl(referee.openAiBaseUrl())
            .apiKey("test-key").model(d == Dialect.ANTHROPIC ? "claude-sonnet-4-5" : "gpt-4.1-mini")
            .httpClient(client).build());
        loops.add(FunctionInvokingLoop.builder(backend).tools(step).config(config).journal(journal).build());
      }

      Batch first = batch(loops, referee, pool);
      assertNothingCrossed(first);
      long firstMillis = first.millis();
      first = null;
      long before = ConversationLoad.heapAfterGc();
      Batch second = batch(loops, referee, pool);
      assertNothingCrossed(second);
      long secondMillis = second.millis();
      List<java.lang.ref.WeakReference<Object>> kept = new ArrayList<>();
      for (LoopResult r : second.results()) {
        kept.add(new java.lang.ref.WeakReference<>(r));
        kept.add(new java.lang.ref.WeakReference<>(r.history()));
      }
      second = null;
      long after = ConversationLoad.heapAfterGc();
      for (int i = 0; i < 10 && kept.stream().anyMatch(k -> k.get() != null); i++) {
        System.gc();
      }
      assertThat(kept.stream().filter(k -> k.get() != null).count())
          .as("results and histories of the second batch still reachable after it").isZero();
      assertThat(runs).hasValue(2 * CONVERSATIONS * ROUNDS);

      System.out.printf(Locale.ROOT, "RELIABILITY load json-http: 2 batches of %d conversations x %d rounds over the"
          + " three dialects (%d requests each, in %d ms and %d ms), zero 400s; heap after GC %d KB after the first"
          + " batch, %d KB after the second%n", CONVERSATIONS, ROUNDS, CONVERSATIONS * (ROUNDS + 1), firstMillis,
          secondMillis, before / 1024, after / 1024);
    } finally {
      pool.shutdownNow();
    }
  }
}
