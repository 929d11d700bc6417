package dev.toolguard.json.http;

import static dev.toolguard.json.http.Http.backend;
import static dev.toolguard.json.http.Http.endpoint;
import static dev.toolguard.json.http.Http.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolguard.core.Dialect;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopException;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.HistoryJson;
import dev.toolguard.json.WireCodec;

import dev.toolguard.json.WireRequest;
import dev.toolguard.json.http.Http.Case;
import dev.toolguard.testkit.Fault;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The framework-free way in — {@link FunctionInvokingLoop} over {@link HttpChatBackend} and the JDK
 * client — under what {@link FaultsOverHttpTest} leaves out: a 429 in the middle of a loop and
 * retries that fail again, a crash between storing the assistant message and its results resumed by
 * a new process from the stored JSON, 200 conversations of 10 tool rounds at once over one client, and
 * a hostile model (arguments that are not JSON, tools it made up, ids and names with control
 * characters, arguments past the limits or nested too deep). Every time: a balanced history, the next
 * request accepted, no tool run twice, no result sent twice.
 */
class ReliabilityOverHttpTest {

  private static ProviderReferee referee;

  private final AtomicInteger runs = new AtomicInteger();
  private final AtomicReference<Runnable> onRun = new AtomicReference<>(() -> { });
  private final LoopTool lookup = LoopTool.of(ToolSpec.of("lookup", "Looks something up"), args -> {
    runs.incrementAndGet();
    onRun.get().run();
    return "{\"found\":\"yes\"}";
  });

  @BeforeAll
  static void start() {
    referee = ProviderReferee.builder().threads(16).start();
  }

  @AfterAll
  static void stop() {
    referee.close();
  }

  @BeforeEach
  void reset() {
    referee.reset();
  }

  static List<Case> cases() {
    return Http.cases();
  }

  private FunctionInvokingLoop loop(Dialect d, LoopConfig config) {
    return FunctionInvokingLoop.builder(backend(d, referee)).tools(lookup).config(config).build();
  }

  private static void assertBalanced(List<Message> history) {
    assertThat(HistoryGuard.ofDefaults().check(history)).as("violations of %s", history).isEmpty();
    List<String> calls = new ArrayList<>();
    List<String> results = new ArrayList<>();
    for (Message m : history) {
      m.toolCalls().forEach(c -> calls.add(c.callId()));
      m.toolResults().forEach(r -> results.add(r.callId()));
    }
    assertThat(results).containsExactlyInAnyOrderElementsOf(calls);
  }

  private static void assertAcceptedWithoutDuplicates() {
    assertThat(referee.rejections()).isEmpty();
    for (RecordedRequest r : referee.requests()) {
      assertThat(new HashSet<>(r.toolResultIds())).as("results sent in %s", r).hasSize(r.toolResultIds().size());
    }
    assertThat(referee.lastRequest().status()).isEqualTo(200);
  }

  // ---------------------------------------------------------------- faults

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aRateLimitMidLoopAndRetriesThatFailAgainRunNoToolTwiceAndSendNoResultTwice(Case c) {
    referee.script().enqueue(Reply.toolCall("lookup", "{\"q\":\"a\"}"), Reply.text("Found a."));
    onRun.set(() -> referee.faults().add(Fault.rateLimited(Duration.ofMillis(20)), Fault.serverError()));
    FunctionInvokingLoop loop = loop(c.dialect(), LoopConfig.ofDefaults());

    LoopException first = catchThrowableOfType(LoopException.class,
        () -> run(loop, List.of(Message.user("look up a")), c.mode()));
    assertThat(first.getCause()).isInstanceOfSatisfying(ProviderException.class, p -> {
      assertThat(p.status()).isEqualTo(429);
      assertThat(p.retryable()).isTrue();
    });
    assertBalanced(first.history());
    onRun.set(() -> { });

    // the application retries from the carried history; the retry meets a 500 and fails again
    LoopException second = catchThrowableOfType(LoopException.class, () -> run(loop, first.history(), c.mode()));
    assertThat(second.getCause()).isInstanceOfSatisfying(ProviderException.class,
        p -> assertThat(p.status()).isEqualTo(500));
    assertThat(second.history()).isEqualTo(first.history());

    LoopResult done = run(loop, second.history(), c.mode());
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.text()).isEqualTo("Found a.");
    assertThat(runs).as("the tool ran once, before the 429").hasValue(1);
    assertBalanced(done.history());
    assertThat(referee.requests()).extracting(RecordedRequest::status).containsExactly(200, 429, 500, 200);
    assertAcceptedWithoutDuplicates();
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"OPENAI_CHAT", "OPENAI_RESPONSES", "ANTHROPIC"})
  void aCrashBetweenStoringTheAssistantMessageAndItsResultsIsResumedByANewProcess(Dialect dialect, @TempDir Path dir)
      throws Exception {
    String a = dialect == Dialect.ANTHROPIC ? "toolu_a" : "call_a";
    String b = dialect == Dialect.ANTHROPIC ? "toolu_b" : "call_b";
    List<Message> left = List.of(Message.user("look up a and b"),
        Message.assistant(ToolCall.of(a, "lookup", "{\"q\":\"a\"}"), ToolCall.of(b, "lookup", "{\"q\":\"b\"}")),
        Message.tool(ToolResult.of(a, "lookup", "{\"found\":\"a\"}")));
    Path file = dir.resolve("conversation.json");
    Files.writeString(file, HistoryJson.write(left));

    // what a bare client would send next: refused
    List<Message> next = new ArrayList<>(HistoryJson.read(Files.readString(file)));
    next.add(Message.user("still there?"));
    String empty = dialect == Dialect.ANTHROPIC ? "{\"model\":\"m\",\"max_tokens\":64,\"messages\":[]}"
        : dialect == Dialect.OPENAI_RESPONSES ? "{\"model\":\"m\",\"input\":[]}" : "{\"model\":\"m\",\"messages\":[]}";
    WireRequest envelope = WireCodec.of(dialect).read(empty);
    String bare = WireCodec.of(dialect).write(envelope.withHistory(next));
    HttpResponse<String> refused = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(referee.url(endpoint(dialect))))
        .header("Content-Type", "application/json").header("anthropic-version", "2023-06-01")
        .POST(HttpRequest.BodyPublishers.ofString(bare)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains(b);
    referee.clearRequests();

    // a new process: a new backend and loop, the history read back from the file
    referee.script().enqueue(Reply.text("a was found; b did not finish."));
    LoopResult r = loop(dialect, LoopConfig.ofDefaults()).run(next);

    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(runs).as("nothing runs again on resume").hasValue(0);
    assertThat(referee.lastRequest().toolResultIds()).containsExactlyInAnyOrder(a, b);
    assertThat(referee.lastRequest().lastUserText()).isEqualTo("still there?");
    assertBalanced(r.history());
    assertAcceptedWithoutDuplicates();
  }

  // ---------------------------------------------------------------- load

  static final int CONVERSATIONS = 200;
  static final int ROUNDS = 10;
  private static final Pattern MARKER = Pattern.compile("conv-(\\d{3})");

  private static Set<String> markers(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = MARKER.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  @Test
  void twoHundredConversationsOfTenToolRoundsAtOnceOverOneClientInEveryDialect() throws Exception {
    referee.script().respondWith(request -> {
      Matcher m = MARKER.matcher(request.body());
      String conversation = m.find() ? m.group() : "conv-???";
      int rounds = request.toolResultIds().size();
      return rounds < ROUNDS
          ? Reply.toolCall("lookup", "{\"conversation\":\"" + conversation + "\",\"round\":" + (rounds + 1) + "}")
          : Reply.text(conversation + " done after " + rounds + " rounds");
    });
    LoopTool echo = LoopTool.of(ToolSpec.of("lookup", "Looks something up"), args -> {
      runs.incrementAndGet();
      Matcher m = MARKER.matcher(args);
      return "{\"for\":\"" + (m.find() ? m.group() : "?") + "\"}";
    });
    LoopConfig config = LoopConfig.custom().maxIterations(ROUNDS + 1).build();
    List<FunctionInvokingLoop> loops = new ArrayList<>();
    for (Dialect d : Http.CLASSIC) {
      loops.add(FunctionInvokingLoop.builder(backend(d, referee)).tools(echo).config(config).build());
    }
    ExecutorService pool = Executors.newFixedThreadPool(CONVERSATIONS);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<LoopResult>> futures = new ArrayList<>();
      for (int c = 0; c < CONVERSATIONS; c++) {
        String marker = String.format(Locale.ROOT, "conv-%03d", c);
        FunctionInvokingLoop loop = loops.get(c % loops.size());
        futures.add(pool.submit(() -> {
          go.await();
          return loop.run(List.of(Message.user("Hello from " + marker)));
        }));
      }
      long start = System.nanoTime();
      go.countDown();
      List<LoopResult> results = new ArrayList<>();
      for (Future<LoopResult> f : futures) {
        results.add(f.get(120, TimeUnit.SECONDS));
      }
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertThat(referee.rejections()).isEmpty();
      assertThat(referee.requests()).hasSize(CONVERSATIONS * (ROUNDS + 1)).allSatisfy(r -> {
        assertThat(r.status()).isEqualTo(200);
        assertThat(markers(r.body())).as("conversations in one request").hasSize(1);
      });
      assertThat(runs).hasValue(CONVERSATIONS * ROUNDS);
      for (int c = 0; c < CONVERSATIONS; c++) {
        String marker = String.format(Locale.ROOT, "conv-%03d", c);
        LoopResult r = results.get(c);
        assertThat(r.status()).isEqualTo(Status.COMPLETED);
        assertThat(r.text()).isEqualTo(marker + " done after " + ROUNDS + " rounds");
        assertBalanced(r.history());
        assertThat(markers(r.history().toString())).containsExactly(marker);
      }
      System.out.printf(Locale.ROOT, "RELIABILITY load json-http: %d conversations x %d rounds at once over the three"
          + " dialects (%d requests) in %d ms, zero 400s%n", CONVERSATIONS, ROUNDS, referee.requests().size(), millis);
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- a hostile model

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void madeUpToolsIdsAndNamesWithControlCharactersLimitsAndDeepArgumentsAreErrorsForTheModel(Case c) {
    String id = c.dialect() == Dialect.ANTHROPIC ? "toolu_\u0007\r\n\u001b[31m" : "call_\u0000\u0007\r\n\u001b[31m";
    String deep = "{\"a\":".repeat(600) + "1" + "}".repeat(600);
    referee.script().enqueue(Reply.toolCalls(
        Reply.call("delete_everything", "{}"),
        Reply.call("lookup\u0000\u001b]0;x\u0007", "{}"),
        Reply.call("lookup", "{\"q\":\"ok\"}").withId(id),
        Reply.call("lookup", "{\"q\":\"" + "x".repeat(50_000) + "\"}"),
        Reply.call("lookup", deep)), Reply.text("Done."));

    LoopResult r = run(loop(c.dialect(), LoopConfig.custom().maxArgumentsLength(10_000).build()),
        List.of(Message.user("go")), c.mode());

    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(runs).as("only the well-formed call of a real tool ran").hasValue(1);
    List<String> outputs = r.history().get(2).toolResults().stream().map(ToolResult::output).toList();
    assertThat(outputs.get(0)).isEqualTo("There is no tool named 'delete_everything'. Call one of: lookup.");
    assertThat(outputs.get(1)).startsWith("There is no tool named 'lookup\u0000");
    assertThat(outputs.get(2)).isEqualTo("{\"found\":\"yes\"}");
    assertThat(outputs.get(3)).contains("characters long; the limit is 10000");
    assertThat(outputs.get(4)).contains("deeper than 256 levels");
    assertThat(r.history().get(1).toolCalls().get(2).callId()).isEqualTo(id);
    assertBalanced(r.history());
    assertAcceptedWithoutDuplicates();
  }

  /** Chat completions whose first answer's call has arguments that are not JSON; the rest go to the referee. */
  @Test
  void argumentsThatAreNotJsonAreAnErrorResultAndTheNextRequestIsAccepted() throws Exception {
    com.sun.net.httpserver.HttpServer hostile = com.sun.net.httpserver.HttpServer.create(
        new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger answered = new AtomicInteger();
    hostile.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      HttpResponse<String> judged;
      try {
        judged = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(referee.url(endpoint(Dialect.OPENAI_CHAT))))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      String answer = judged.body();
      if (answered.getAndIncrement() == 0) {
        answer = answer.replace("\"{\\\"placeholder\\\":1}\"", "\"{\\\"q\\\": \\\"truncated by max_tokens\"");
      }
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(judged.statusCode(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    hostile.start();
    try {
      referee.script().enqueue(Reply.toolCall("lookup", "{\"placeholder\":1}"), Reply.text("Sorry, again?"));
      HttpChatBackend backend = HttpChatBackend.openAiChat(HttpBackendConfig.builder()
          .baseUrl("http://127.0.0.1:" + hostile.getAddress().getPort() + "/v1").apiKey("k").model("m")
          .httpClient(Http.CLIENT).build());

      LoopResult r = FunctionInvokingLoop.builder(backend).tools(lookup).build().run(List.of(Message.user("look up")));

      assertThat(r.status()).isEqualTo(Status.COMPLETED);
      assertThat(r.history().get(1).toolCalls().get(0).argumentsJson()).isEqualTo("{\"q\": \"truncated by max_tokens");
      assertThat(r.history().get(2).toolResults().get(0).output()).contains("not a JSON object");
      assertThat(runs).hasValue(0);
      assertThat(referee.requests()).hasSize(2);
      assertAcceptedWithoutDuplicates();
    } finally {
      hostile.stop(0);
    }
  }
}
