package dev.toolguard.openai;

import static dev.toolguard.openai.Referee.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The function-invoking loop over openai-java, for Chat Completions and Responses, against the
 * referee: round trips with parallel calls and reasoning, streaming, approvals across a restart
 * (the history written to a file and read back by a new client), and client-side tools.
 */
class LoopRefereeTest extends RefereeClientTest {

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

  private final AtomicInteger payments = new AtomicInteger();
  private final LoopTool weather = LoopTool.of(new ToolSpec("weather", "The weather in a city",
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"),
      args -> "{\"sky\":\"sunny\"}");
  private final LoopTool time = LoopTool.of(ToolSpec.of("time", "The time"), args -> "noon");
  private final LoopTool pay = LoopTool.of(ToolSpec.of("pay", "Pays an amount"), args -> {
    payments.incrementAndGet();
    return "paid";
  });

  private static List<Message> ask(String text) {
    return List.of(Message.system("Be brief."), Message.user(text));
  }

  private FunctionInvokingLoop loop(Api api, OpenAIClient through) {
    return FunctionInvokingLoop.builder(api.backend.apply(through))
        .tools(weather, time, pay)
        .clientTool(ToolSpec.of("locate", "Where the user is"))
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build())
        .build();
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void parallelCallsRoundTrip(Api api) {
    referee.script().enqueue(Reply.textAndToolCalls("Checking.", Reply.call("weather", "{\"city\":\"Paris\"}"),
        Reply.call("time", "{}")).withReasoning("two lookups"), Reply.text("Sunny at noon."));
    LoopResult r = loop(api, client).run(ask("weather and time?"));
    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(r.text()).isEqualTo("Sunny at noon.");
    assertThat(r.iterations()).isEqualTo(2);
    assertThat(referee.rejections()).isEmpty();
    List<RecordedRequest> requests = referee.requests(api.endpoint);
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).toolResultIds()).hasSize(2);
    assertThat(requests.get(0).json().has("tools")).isTrue();
    assertThat(HistoryGuard.ofDefaults().check(r.history())).isEmpty();
    if (api == Api.RESPONSES) {
      JsonNode input = requests.get(1).json().get("input");
      assertThat(input.get(2).get("type").asText()).isEqualTo("reasoning");
      assertThat(input.get(3).get("type").asText()).isEqualTo("message");
      assertThat(input.get(4).get("type").asText()).isEqualTo("function_call");
    }
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void streaming(Api api) {
    referee.script().enqueue(Reply.toolCall("weather", "{\"city\":\"Oslo\"}"), Reply.text("It is sunny in Oslo."));
    StringBuilder streamed = new StringBuilder();
    LoopResult r = loop(api, client).stream(ask("weather?"), streamed::append);
    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(streamed.toString()).isEqualTo("It is sunny in Oslo.");
    assertThat(referee.requests(api.endpoint)).allSatisfy(q -> assertThat(q.stream()).isTrue());
    assertThat(referee.rejections()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void anApprovalAnsweredAfterARestart(Api api, @TempDir Path dir) {
    referee.script().enqueue(Reply.toolCalls(Reply.call("pay", "{\"amount\":5}"), Reply.call("weather",
        "{\"city\":\"Oslo\"}")), Reply.text("Paid, and it is sunny."));
    LoopResult waiting = loop(api, client).run(ask("pay 5 and tell me the weather"));
    assertThat(waiting.status()).isEqualTo(Status.AWAITING);
    ApprovalRequest asked = waiting.pending().get(0);
    assertThat(asked.call().name()).isEqualTo("pay");
    assertThat(payments).hasValue(0);
    Path file = dir.resolve("conversation.json");
    OpenAiHistory.write(file, waiting.history());

    // what an app without toolguard stores: the model's message as it came, with the weather result only
    List<Message> naive = new ArrayList<>();
    for (Message m : waiting.history()) {
      List<Content> contents = new ArrayList<>();
      for (Content c : m.contents()) {
        contents.add(c instanceof ApprovalRequest req ? req.call().asInvocable() : c);
      }
      naive.add(m.withContents(contents));
    }
    naive.add(Message.user("yes, pay"));
    if (api == Api.CHAT) {
      rejected(() -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-test")
          .messages(OpenAiHistory.toChat(naive)).build()), "did not have response messages: " + asked.callId());
    } else {
      rejected(() -> client.responses().create(ResponseCreateParams.builder().model("gpt-test").store(false)
          .inputOfResponse(OpenAiHistory.toResponses(naive)).build()), "No tool output found for function call "
          + asked.callId());
    }

    // another process: a new client, a new loop, the history read back from the file
    OpenAIClient restarted = Referee.client(referee);
    try {
      List<Message> history = new ArrayList<>(OpenAiHistory.read(file));
      // the answer is built from the request as it was before the restart: matched by call id, not identity
      history.add(Message.of(Role.USER, ApprovalResponse.approve(asked), Text.of("yes, pay")));
      LoopResult done = loop(api, restarted).run(history);
      assertThat(done.status()).isEqualTo(Status.COMPLETED);
      assertThat(done.text()).isEqualTo("Paid, and it is sunny.");
      assertThat(payments).hasValue(1);
      RecordedRequest last = referee.requests(api.endpoint).get(referee.requests(api.endpoint).size() - 1);
      assertThat(last.toolResultIds()).contains(asked.callId());
      assertThat(last.lastUserText()).isEqualTo("yes, pay");
      assertThat(referee.rejections()).hasSize(1); // only the naive request
    } finally {
      restarted.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aClientSideToolIsAnsweredByTheApplication(Api api, @TempDir Path dir) {
    referee.script().enqueue(Reply.toolCall("locate", "{}"));
    LoopResult waiting = loop(api, client).run(ask("where am I?"));
    assertThat(waiting.status()).isEqualTo(Status.AWAITING);
    ApprovalRequest locate = waiting.pending().get(0);
    assertThat(locate.metadata()).containsEntry(Metadata.PENDING, Metadata.PENDING_CLIENT);
    OpenAiHistory.write(dir.resolve("h.json"), waiting.history());
    List<Message> history = new ArrayList<>(OpenAiHistory.read(dir.resolve("h.json")));
    history.add(Message.tool(ToolResult.of(locate.callId(), "locate", "Oslo")));
    LoopResult done = loop(api, client).run(history);
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.text()).isEqualTo("Tool result received: Oslo");
    assertThat(referee.rejections()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aBrokenStoredHistoryIsRepairedBeforeTheFirstRequest(Api api) {
    List<Message> broken = new ArrayList<>(ask("weather?"));
    broken.add(Message.assistant(ToolCall.of("call_lost", "weather", "{\"city\":\"Rome\"}")));
    broken.add(Message.user("hello?"));
    LoopResult r = loop(api, client).run(broken);
    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(r.repairs()).isNotEmpty();
    assertThat(referee.requests(api.endpoint).get(0).toolResultIds()).containsExactly("call_lost");
    assertThat(referee.rejections()).isEmpty();
  }
}
