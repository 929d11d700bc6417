package dev.toolguard.openai;

import static dev.toolguard.openai.Referee.rejected;
import static dev.toolguard.openai.Wire.chatParams;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.StructuredChatCompletionCreateParams;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chat Completions through the real openai-java OkHttp client against the testkit referee: each
 * failure class is refused with the provider's 400 on the bare client and goes through guarded.
 */
class ChatCompletionsRefereeTest {

  private static ProviderReferee referee;
  private static OpenAIClient bare;
  private static OpenAIClient guarded;

  @BeforeAll
  static void start() {
    referee = ProviderReferee.start();
    bare = Referee.client(referee);
    guarded = OpenAiToolGuard.wrap(bare);
  }

  @AfterAll
  static void stop() {
    bare.close();
    referee.close();
  }

  @AfterEach
  void reset() {
    referee.reset();
  }

  private static final String CALL_A = "{'role':'assistant','content':null,'tool_calls':[{'id':'call_a','type':'function',"
      + "'function':{'name':'weather','arguments':'{\\'city\\':\\'Paris\\'}'}}]}";
  private static final String CALLS_AB = "{'role':'assistant','tool_calls':["
      + "{'id':'call_a','type':'function','function':{'name':'weather','arguments':'{}'}},"
      + "{'id':'call_b','type':'function','function':{'name':'time','arguments':'{}'}}]}";

  private static String tool(String id, String out) {
    return "{'role':'tool','tool_call_id':'" + id + "','content':'" + out + "'}";
  }

  private static String user(String text) {
    return "{'role':'user','content':'" + text + "'}";
  }

  private static String list(String... messages) {
    return "[" + String.join(",", messages) + "]";
  }

  /** The bare client is refused with {@code error}; the guarded one is answered, and sent a valid body. */
  private static ChatCompletion bareFailsGuardedPasses(ChatCompletionCreateParams params, String error) {
    rejected(() -> bare.chat().completions().create(params), error);
    assertThat(referee.rejections()).hasSize(1);
    ChatCompletion answer = guarded.chat().completions().create(params);
    assertThat(referee.rejections()).hasSize(1);
    assertThat(referee.lastRequest().status()).isEqualTo(200);
    return answer;
  }

  @Test
  void aUserMessageBetweenCallAndResult() {
    bareFailsGuardedPasses(chatParams(list(user("weather?"), CALL_A, user("hurry"), tool("call_a", "sunny"))),
        "The following tool_call_ids did not have response messages: call_a");
    assertThat(referee.lastRequest().lastUserText()).isEqualTo("hurry");
  }

  @Test
  void aResultWhoseCallWasEvicted() {
    bareFailsGuardedPasses(chatParams(list(user("weather?"), tool("call_a", "sunny"), user("and?"))),
        "messages with role 'tool' must be a response to a preceeding message with 'tool_calls'");
  }

  @Test
  void aCrashAfterTheAssistantMessage() {
    bareFailsGuardedPasses(chatParams(list(user("weather?"), CALL_A, user("hello?"))),
        "did not have response messages: call_a");
    assertThat(referee.lastRequest().toolResultIds()).containsExactly("call_a");
  }

  @Test
  void rewrittenIds() {
    bareFailsGuardedPasses(chatParams(list(user("weather?"), CALL_A, tool("call_5f0c9e-db", "sunny"))),
        "'tool_call_id' of 'call_5f0c9e-db' not found");
    assertThat(referee.lastRequest().toolResultIds()).containsExactly("call_a");
    assertThat(referee.lastRequest().lastToolResult()).isEqualTo("sunny");
  }

  @Test
  void aDuplicateResultAfterARetry() {
    bareFailsGuardedPasses(chatParams(list(user("q"), CALL_A, tool("call_a", "sunny"), tool("call_a", "sunny"))),
        "Duplicate value for 'tool_call_id' of 'call_a'");
  }

  @Test
  void aLateResult() {
    bareFailsGuardedPasses(chatParams(list(user("q"), CALL_A, tool("call_a", "error: timeout"),
        "{'role':'assistant','content':'it failed'}", user("again?"), tool("call_a", "sunny"))),
        "must be a response to a preceeding message with 'tool_calls'");
  }

  @Test
  void anEarlyResult() {
    bareFailsGuardedPasses(chatParams(list(user("q"), tool("call_a", "sunny"), CALL_A)),
        "must be a response to a preceeding message with 'tool_calls'");
    assertThat(referee.lastRequest().toolResultIds()).containsExactly("call_a");
  }

  @Test
  void parallelResultsSplitUp() {
    bareFailsGuardedPasses(chatParams(list(user("q"), CALLS_AB, tool("call_a", "sunny"), user("typing"),
        tool("call_b", "noon"))), "did not have response messages: call_b");
    assertThat(referee.lastRequest().toolResultIds()).containsExactly("call_a", "call_b");
  }

  @Test
  void aReusedCallId() {
    bareFailsGuardedPasses(chatParams(list(user("q"), CALL_A, tool("call_a", "sunny"), user("again"), CALL_A,
        tool("call_a", "rainy"))), "Duplicate value for 'id' of 'call_a'");
  }

  @Test
  void aCallWaitingForApprovalStoredAsItWas() {
    // the app stored the assistant message and waits for a human: a new request without the result is stuck
    bareFailsGuardedPasses(chatParams(list(user("pay 5"), "{'role':'assistant','tool_calls':[{'id':'call_p',"
        + "'type':'function','function':{'name':'pay','arguments':'{\\'amount\\':5}'}}]}", user("status?"))),
        "did not have response messages: call_p");
  }

  @Test
  void aValidRequestIsSentUnchanged() {
    ChatCompletionCreateParams params = chatParams(list(user("q"), CALLS_AB, tool("call_b", "noon"),
        tool("call_a", "sunny")));
    guarded.chat().completions().create(params);
    String guardedBody = referee.lastRequest().body();
    bare.chat().completions().create(params);
    assertThat(guardedBody).isEqualTo(referee.lastRequest().body());
  }

  @Test
  void streaming() {
    ChatCompletionCreateParams params = chatParams(list(user("weather?"), CALL_A, user("hurry"), tool("call_a", "sunny")));
    rejected(() -> {
      try (StreamResponse<ChatCompletionChunk> s = bare.chat().completions().createStreaming(params)) {
        s.stream().count();
      }
    }, "did not have response messages: call_a");
    String text;
    try (StreamResponse<ChatCompletionChunk> s = guarded.chat().completions().createStreaming(params)) {
      text = s.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse(""))
          .collect(Collectors.joining());
    }
    assertThat(text).isEqualTo("You said: hurry");
    assertThat(referee.lastRequest().stream()).isTrue();
  }

  @Test
  void everyPathToCreateIsGuarded() throws Exception {
    ChatCompletionCreateParams params = chatParams(list(user("weather?"), CALL_A, user("hurry"), tool("call_a", "sunny")));
    try (HttpResponseFor<ChatCompletion> raw = guarded.withRawResponse().chat().completions().create(params)) {
      assertThat(raw.statusCode()).isEqualTo(200);
    }
    try (HttpResponseFor<ChatCompletion> raw = guarded.chat().withRawResponse().completions().create(params)) {
      assertThat(raw.parse().choices()).hasSize(1);
    }
    try (HttpResponseFor<ChatCompletion> raw = guarded.chat().completions().withRawResponse().create(params)) {
      assertThat(raw.statusCode()).isEqualTo(200);
    }
    guarded.withOptions(o -> o.timeout(Duration.ofSeconds(20))).chat().completions().create(params);
    guarded.chat().withOptions(o -> o.maxRetries(1)).completions().withOptions(o -> o.maxRetries(0)).create(params);
    OpenAIClientAsync async = guarded.async();
    assertThat(async.chat().completions().create(params).get().choices()).hasSize(1);
    assertThat(async.sync().chat().completions().create(params).choices()).hasSize(1);
    StructuredChatCompletionCreateParams<Weather> structured = params.toBuilder().responseFormat(Weather.class).build();
    assertThat(guarded.chat().completions().create(structured).rawChatCompletion().choices()).hasSize(1);
    List<RecordedRequest> requests = referee.requests();
    assertThat(requests).hasSize(8).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
  }

  @Test
  void anAsyncClientIsGuardedToo() throws Exception {
    OpenAIClientAsync async = com.openai.client.okhttp.OpenAIOkHttpClientAsync.builder().apiKey("test")
        .baseUrl(referee.openAiBaseUrl()).maxRetries(0).build();
    try {
      OpenAIClientAsync wrapped = OpenAiToolGuard.wrap(async);
      ChatCompletionCreateParams params = chatParams(list(user("weather?"), CALL_A, user("hello?")));
      assertThat(wrapped.chat().completions().create(params).get().choices()).hasSize(1);
      StringBuilder text = new StringBuilder();
      wrapped.chat().completions().createStreaming(params)
          .subscribe(c -> c.choices().forEach(ch -> text.append(ch.delta().content().orElse(""))))
          .onCompleteFuture().get();
      assertThat(text.toString()).isEqualTo("You said: hello?");
      assertThat(referee.rejections()).isEmpty();
    } finally {
      async.close();
    }
  }

  @Test
  void otherCallsPassThrough() {
    assertThat(guarded.toString()).startsWith("OpenAiToolGuard[");
    assertThat(guarded).isEqualTo(guarded).isNotEqualTo(bare);
    assertThat(guarded.models()).isSameAs(bare.models());
  }

  /** A structured output type. */
  static final class Weather {
    public String city;
  }
}
