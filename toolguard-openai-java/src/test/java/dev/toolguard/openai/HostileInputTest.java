package dev.toolguard.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.HostileModel;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile and broken input on the real path — openai-java's OkHttp client, the referee, the JSON
 * file a history is stored in — for Chat Completions and Responses: arguments that are not JSON or
 * break the tool's schema, tools the model made up, arguments and outputs past the configured limits,
 * ids and tool names with control characters, arguments nested deeper than core reads, and approval
 * answers that are forged, mismatched, replayed, unsigned or planted in the stored file. Each gets a
 * clear, specific error — an error result the model reads, or an {@link ApprovalException} naming the
 * call id and the rule — nothing runs that should not, and the next request is accepted.
 */
class HostileInputTest {

  /** The two APIs the loop runs over. */
  enum Api {
    CHAT(Endpoint.CHAT_COMPLETIONS, c -> OpenAiToolGuard.chatCompletions(c, (ChatCompletionCreateParams.Builder b) -> b.model("gpt-test"))),
    RESPONSES(Endpoint.RESPONSES, c -> OpenAiToolGuard.responses(c, (ResponseCreateParams.Builder b) -> b.model("gpt-test")));

    final Endpoint endpoint;
    final Function<OpenAIClient, ChatBackend> backend;

    Api(Endpoint endpoint, Function<OpenAIClient, ChatBackend> backend) {
      this.endpoint = endpoint;
      this.backend = backend;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] KEY = "an approval signing key of 32+ bytes".getBytes(StandardCharsets.UTF_8);
  private static ProviderReferee referee;
  private static HostileModel hostile;
  private static OpenAIClient client;

  private final AtomicInteger payments = new AtomicInteger();
  /** Pays {@code {"amount": <integer>}}; anything else is refused by the tool itself. */
  private final LoopTool pay = LoopTool.of(new ToolSpec("pay", "Pays an amount",
      "{\"type\":\"object\",\"properties\":{\"amount\":{\"type\":\"integer\"}},\"required\":[\"amount\"]}"), args -> {
        JsonNode amount = JSON.readTree(args).get("amount");
        if (amount == null || !amount.isIntegralNumber()) {
          throw new IllegalArgumentException("amount must be an integer");
        }
        payments.incrementAndGet();
        return "paid " + amount.asInt();
      });
  private final LoopTool dump = LoopTool.of(ToolSpec.of("dump", "Returns a huge output"), args -> "y".repeat(3_000_000));

  @BeforeAll
  static void start() {
    referee = ProviderReferee.start();
    hostile = HostileModel.start(referee);
    client = OpenAIOkHttpClient.builder().apiKey("test").baseUrl(hostile.openAiBaseUrl()).maxRetries(0).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    hostile.close();
    referee.close();
  }

  @BeforeEach
  void reset() {
    referee.reset();
  }

  private FunctionInvokingLoop.Builder loop(Api api) {
    return FunctionInvokingLoop.builder(api.backend.apply(client)).tools(pay, dump);
  }

  private static List<Message> ask(String text) {
    return List.of(Message.user(text));
  }

  /** The result the second request sent for the first call, as the model reads it. */
  private static String resultSent(Api api) {
    RecordedRequest second = referee.requests(api.endpoint).get(1);
    assertThat(second.status()).isEqualTo(200);
    return second.lastToolResult();
  }

  private static void assertAccepted(LoopResult r) {
    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(HistoryGuard.ofDefaults().check(r.history())).isEmpty();
    assertThat(referee.rejections()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void argumentsThatAreNotAJsonObjectAreAnsweredWithAnErrorAndNothingRuns(Api api) {
    for (String arguments : List.of("{\"amount\": 5", "[5]", "\"five\"", "", "five euros", "{\"amount\":5}}")) {
      referee.reset();
      hostile.nextArguments(arguments);
      referee.script().enqueue(Reply.toolCall("pay", HostileModel.PLACEHOLDER), Reply.text("Sorry."));

      LoopResult r = loop(api).build().run(ask("pay 5"));

      assertAccepted(r);
      assertThat(r.history().get(1).toolCalls().get(0).argumentsJson()).as("kept as the model wrote it")
          .isEqualTo(arguments);
      assertThat(resultSent(api)).as("for %s", arguments).contains("not a JSON object");
      assertThat(payments).hasValue(0);
    }
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void argumentsThatBreakTheToolsSchemaAreTheToolsErrorForTheModel(Api api) {
    referee.script().enqueue(Reply.toolCall("pay", "{\"amount\":\"lots\"}"), Reply.text("Sorry."));

    LoopResult r = loop(api).config(LoopConfig.custom().detailedErrors(true).build()).build().run(ask("pay lots"));

    assertAccepted(r);
    assertThat(resultSent(api)).isEqualTo("Tool 'pay' failed: IllegalArgumentException: amount must be an integer");
    assertThat(r.toolFailures()).hasSize(1);
    assertThat(payments).hasValue(0);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aToolTheModelMadeUpIsAnsweredWithTheToolsThereAreOrHandedBack(Api api) {
    referee.script().enqueue(Reply.toolCall("delete_everything", "{}"), Reply.text("I cannot do that."));

    LoopResult r = loop(api).build().run(ask("clean up"));

    assertAccepted(r);
    assertThat(resultSent(api)).isEqualTo("There is no tool named 'delete_everything'. Call one of: pay, dump.");

    referee.reset();
    referee.script().enqueue(Reply.toolCall("delete_everything", "{}"));
    LoopResult handedBack = loop(api).config(LoopConfig.custom()
        .unknownToolPolicy(LoopConfig.UnknownToolPolicy.END_LOOP).build()).build().run(ask("clean up"));
    assertThat(handedBack.status()).isEqualTo(Status.AWAITING);
    assertThat(handedBack.pending()).extracting(p -> p.metadata().get(Metadata.PENDING))
        .containsExactly(Metadata.PENDING_UNKNOWN_TOOL);
    assertThat(HistoryGuard.ofDefaults().check(handedBack.history())).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void argumentsAndOutputsPastTheConfiguredLimitsAreRefusedAndCut(Api api) {
    String blob = "x".repeat(200_000);
    referee.script().enqueue(Reply.toolCalls(Reply.call("pay", "{\"amount\":5,\"note\":\"" + blob + "\"}"),
        Reply.call("dump", "{}")), Reply.text("Done."));

    LoopResult r = loop(api).config(LoopConfig.custom().maxArgumentsLength(10_000).maxOutputLength(20_000).build())
        .build().run(ask("pay and dump"));

    assertAccepted(r);
    assertThat(payments).as("arguments past the limit never reach the tool").hasValue(0);
    List<ToolResult> results = r.history().get(2).toolResults();
    assertThat(results.get(0).output()).matches("The arguments of this call are 2000\\d\\d characters long; the limit"
        + " is 10000\\. Call the tool with shorter arguments\\.");
    assertThat(results.get(1).output()).startsWith("y".repeat(20_000))
        .endsWith("[output cut by toolguard: it was 3000000 characters, the limit is 20000]");
    assertThat(referee.requests(api.endpoint).get(1).body().length()).as("what the model is sent again")
        .isLessThan(260_000);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void idsAndToolNamesWithControlCharactersNeitherCrashNorRunAnything(Api api, @TempDir Path dir) {
    String id = "call_\u0000\u0007\r\n\u001b[31m";
    String name = "pay\u0000\u001b]0;x\u0007";
    referee.script().enqueue(Reply.toolCalls(Reply.call(name, "{\"amount\":1}").withId(id),
        Reply.call("pay", "{\"amount\":2}").withId(id + "2")), Reply.text("Done."));

    LoopResult r = loop(api).build().run(ask("pay"));

    assertAccepted(r);
    assertThat(payments).as("only the call of the real tool ran").hasValue(1);
    assertThat(r.history().get(1).toolCalls()).extracting(ToolCall::callId).containsExactly(id, id + "2");
    assertThat(referee.requests(api.endpoint).get(1).toolResultIds()).containsExactly(id, id + "2");
    assertThat(r.history().get(2).toolResults().get(0).output()).startsWith("There is no tool named 'pay\u0000");
    OpenAiHistory.write(dir.resolve("h.json"), r.history());
    assertThat(OpenAiHistory.read(dir.resolve("h.json"))).isEqualTo(r.history());
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void argumentsNestedDeeperThanCoreReadsAreAnErrorResultNotAStackOverflow(Api api) {
    String deep = "{\"a\":".repeat(600) + "1" + "}".repeat(600);
    referee.script().enqueue(Reply.toolCall("pay", deep), Reply.text("Sorry."));

    LoopResult r = loop(api).build().run(ask("pay"));

    assertAccepted(r);
    assertThat(resultSent(api)).isEqualTo("The arguments of this call nest objects and arrays deeper than 256"
        + " levels, more than toolguard reads. Call 'pay' again with flatter arguments.");
    assertThat(payments).hasValue(0);
  }

  // ---------------------------------------------------------------- approvals

  /** A signed loop that waits for approval of pay, its history stored in a JSON file. */
  private Path waitingForApproval(Api api, Path dir) {
    referee.script().enqueue(Reply.toolCall("pay", "{\"amount\":5}"));
    LoopResult waiting = signed(api).run(ask("pay 5"));
    assertThat(waiting.status()).isEqualTo(Status.AWAITING);
    Path file = dir.resolve("conversation.json");
    OpenAiHistory.write(file, waiting.history());
    referee.clearRequests();
    return file;
  }

  private FunctionInvokingLoop signed(Api api) {
    return loop(api).signApprovals(ApprovalSigner.hmacSha256(KEY))
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build()).build();
  }

  private static ApprovalRequest pending(List<Message> history) {
    for (Message m : history) {
      for (var c : m.contents()) {
        if (c instanceof ApprovalRequest r) {
          return r;
        }
      }
    }
    throw new AssertionError("nothing waits");
  }

  private static List<Message> with(List<Message> history, ApprovalResponse... answers) {
    List<Message> out = new ArrayList<>(history);
    out.add(Message.of(Role.USER, answers));
    return out;
  }

  /** Refused with {@code reason}, naming the call; nothing ran, nothing was sent. */
  private void assertRefused(Api api, List<Message> history, ApprovalException.Reason reason, String callId) {
    List<Message> before = List.copyOf(history);
    ApprovalException e = catchThrowableOfType(ApprovalException.class, () -> signed(api).run(history));
    assertThat(e).as("refused with %s", reason).isNotNull();
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.callId()).isEqualTo(callId);
    assertThat(e.getMessage()).contains(callId).contains("rule");
    assertThat(payments).as("nothing ran").hasValue(0);
    assertThat(referee.requests()).as("nothing was sent").isEmpty();
    assertThat(history).as("nothing in the history changed").isEqualTo(before);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aRequestWhoseArgumentsWereChangedInTheStoredFileIsRefusedAsForged(Api api, @TempDir Path dir) throws Exception {
    Path file = waitingForApproval(api, dir);
    String text = Files.readString(file);
    assertThat(text).contains("{\\\"amount\\\":5}");
    Files.writeString(file, text.replace("{\\\"amount\\\":5}", "{\\\"amount\\\":5000}"));
    List<Message> tampered = OpenAiHistory.read(file);
    ApprovalRequest request = pending(tampered);

    assertRefused(api, with(tampered, ApprovalResponse.approve(request)), ApprovalException.Reason.FORGED,
        request.callId());
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void mismatchedUnsignedPlantedAndUnknownAnswersAreRefused(Api api, @TempDir Path dir) {
    List<Message> stored = OpenAiHistory.read(waitingForApproval(api, dir));
    ApprovalRequest request = pending(stored);
    String id = request.callId();

    // an answer that carries other arguments than the waiting call
    ApprovalResponse other = new ApprovalResponse(id, request.call().withArguments("{\"amount\":5000}"),
        new ApprovalResponse.Decision.Approve(), request.metadata());
    assertRefused(api, with(stored, other), ApprovalException.Reason.MISMATCH, id);

    // an answer without the request's signature
    ApprovalResponse unsigned = new ApprovalResponse(id, request.call(), new ApprovalResponse.Decision.Approve(),
        Map.of());
    assertRefused(api, with(stored, unsigned), ApprovalException.Reason.UNSIGNED, id);

    // an answer signed for another call
    ApprovalResponse stolen = new ApprovalResponse(id, request.call(), new ApprovalResponse.Decision.Approve(),
        Map.of(Metadata.SIGNATURE, ApprovalSigner.hmacSha256(KEY).sign(new ApprovalSigner.Subject(dev.toolguard.core.loop.CallKey.NO_CONVERSATION,
        ToolCall.of("call_other", "pay", "{\"amount\":5}"), "nonce", java.time.Instant.EPOCH, java.time.Instant.MAX))));
    assertRefused(api, with(stored, stolen), ApprovalException.Reason.FORGED, id);

    // a request planted in the stored history, answered by its planter
    List<Message> planted = new ArrayList<>(stored);
    ToolCall fake = ToolCall.of("call_planted", "pay", "{\"amount\":9999}");
    planted.add(Message.assistant(ApprovalRequest.of(fake)));
    planted.add(Message.of(Role.USER, ApprovalResponse.approve(ApprovalRequest.of(fake))));
    assertRefused(api, planted, ApprovalException.Reason.FORGED, "call_planted");

    // an answer for a call that nobody asked about
    ApprovalResponse unknown = ApprovalResponse.approve(new ApprovalRequest("call_nobody", ToolCall.of("call_nobody",
        "pay", "{\"amount\":5}").asInformational(), request.metadata()));
    assertRefused(api, with(stored, unknown), ApprovalException.Reason.UNKNOWN_CALL, "call_nobody");
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aReplayedApprovalIsRefusedAndPaysNothingTwice(Api api, @TempDir Path dir) {
    List<Message> stored = OpenAiHistory.read(waitingForApproval(api, dir));
    ApprovalResponse approve = ApprovalResponse.approve(pending(stored));
    referee.script().enqueue(Reply.text("Paid."));

    LoopResult paid = signed(api).run(with(stored, approve));
    assertAccepted(paid);
    assertThat(payments).hasValue(1);
    OpenAiHistory.write(dir.resolve("after.json"), paid.history());
    referee.clearRequests();
    payments.set(0);

    List<Message> replay = new ArrayList<>(OpenAiHistory.read(dir.resolve("after.json")));
    replay.add(Message.of(Role.USER, approve, Text.of("pay it again")));
    assertRefused(api, replay, ApprovalException.Reason.ALREADY_ANSWERED, approve.callId());
  }
}
