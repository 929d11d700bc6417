package dev.toolguard.json.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopListener;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.json.WireGuard;
import dev.toolguard.json.WireRequest;
import dev.toolguard.json.internal.Json;
import dev.toolguard.testkit.Endpoint;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/** Shared set-up of the HTTP backend tests: backends pointed at a referee, run modes, strict checks. */
final class Http {

  /** One client for all tests, so that they do not each start the client's threads. */
  static final HttpClient CLIENT = HttpClient.newHttpClient();

  private Http() {}

  /** How a loop is run: whole answers, or streamed. */
  enum Mode {
    SEND, STREAM
  }

  /** A dialect and a mode, for parameterized tests. */
  record Case(Dialect dialect, Mode mode) {
    @Override
    public String toString() {
      return dialect.id() + " " + mode.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The dialects the general HTTP suites run over (the others have {@code DialectsOverHttpTest}). */
  static final java.util.Set<Dialect> CLASSIC =
      java.util.EnumSet.of(Dialect.OPENAI_CHAT, Dialect.OPENAI_RESPONSES, Dialect.ANTHROPIC);

  /** Gemini, Bedrock Converse, Mistral and Ollama. */
  static final java.util.Set<Dialect> MORE =
      java.util.EnumSet.of(Dialect.GEMINI, Dialect.BEDROCK_CONVERSE, Dialect.MISTRAL, Dialect.OLLAMA);

  /** Every classic dialect in both modes. */
  static List<Case> cases() {
    return cases(CLASSIC);
  }

  /** Each of {@code dialects} in both modes. */
  static List<Case> cases(java.util.Set<Dialect> dialects) {
    List<Case> out = new ArrayList<>();
    for (Dialect d : dialects) {
      for (Mode m : Mode.values()) {
        out.add(new Case(d, m));
      }
    }
    return out;
  }

  static String model(Dialect d) {
    switch (d) {
      case ANTHROPIC:
        return "claude-sonnet-4-5";
      case GEMINI:
        return "gemini-2.5-flash";
      case BEDROCK_CONVERSE:
        return "anthropic.claude-3-5-haiku-20241022-v1:0";
      case MISTRAL:
        return "mistral-large-latest";
      case OLLAMA:
        return "llama3.1";
      default:
        return "gpt-4.1-mini";
    }
  }

  static Endpoint endpoint(Dialect d) {
    switch (d) {
      case OPENAI_CHAT:
        return Endpoint.CHAT_COMPLETIONS;
      case OPENAI_RESPONSES:
        return Endpoint.RESPONSES;
      case GEMINI:
        return Endpoint.GEMINI;
      case BEDROCK_CONVERSE:
        return Endpoint.BEDROCK_CONVERSE;
      case MISTRAL:
        return Endpoint.MISTRAL;
      case OLLAMA:
        return Endpoint.OLLAMA;
      default:
        return Endpoint.MESSAGES;
    }
  }

  /** The base URL of {@code d} at {@code referee}. */
  static String baseUrl(Dialect d, ProviderReferee referee) {
    switch (d) {
      case GEMINI:
        return referee.baseUrl() + "/v1beta";
      case MISTRAL:
        return referee.mistralBaseUrl() + "/v1";
      case BEDROCK_CONVERSE:
      case OLLAMA:
        return referee.baseUrl();
      default:
        return referee.openAiBaseUrl();
    }
  }

  /** True when a streamed request of {@code d} reaches the provider as a stream (Bedrock's is read whole). */
  static boolean streams(Dialect d) {
    return d != Dialect.BEDROCK_CONVERSE;
  }

  /** True when the dialect takes SYSTEM messages out of the history into a top-level field. */
  static boolean systemOnTop(Dialect d) {
    return d == Dialect.ANTHROPIC || d == Dialect.GEMINI || d == Dialect.BEDROCK_CONVERSE;
  }

  /** The configuration of a backend pointed at {@code referee}. */
  static HttpBackendConfig.Builder config(Dialect d, ProviderReferee referee) {
    return HttpBackendConfig.builder()
        .baseUrl(baseUrl(d, referee))
        .apiKey("test-key")
        .model(model(d))
        .httpClient(CLIENT);
  }

  /** A new backend pointed at {@code referee}. */
  static HttpChatBackend backend(Dialect d, ProviderReferee referee) {
    return HttpChatBackend.of(d, config(d, referee).build());
  }

  /** A new backend pointed at {@code referee}, with more settings. */
  static HttpChatBackend backend(Dialect d, ProviderReferee referee, Consumer<HttpBackendConfig.Builder> more) {
    HttpBackendConfig.Builder b = config(d, referee);
    more.accept(b);
    return HttpChatBackend.of(d, b.build());
  }

  /** Runs {@code loop} in {@code mode}; streamed text goes to {@code deltas}. */
  static LoopResult run(FunctionInvokingLoop loop, List<Message> history, Mode mode, List<String> deltas) {
    return mode == Mode.SEND ? loop.run(history) : loop.stream(history, deltas::add);
  }

  static LoopResult run(FunctionInvokingLoop loop, List<Message> history, Mode mode) {
    return run(loop, history, mode, Collections.synchronizedList(new ArrayList<>()));
  }

  /** {@code history} and then {@code more}. */
  static List<Message> plus(List<Message> history, Message... more) {
    List<Message> out = new ArrayList<>(history);
    out.addAll(List.of(more));
    return out;
  }

  /** The history is valid by core's rules. */
  static void assertBalanced(List<Message> history) {
    assertThat(HistoryGuard.ofDefaults().check(history)).as("core check of the history").isEmpty();
  }

  /** Every request the referee saw was accepted, and each was streamed or not as {@code mode} says. */
  static void assertAllAccepted(ProviderReferee referee, Mode mode) {
    assertThat(referee.rejections()).as("requests the referee refused").isEmpty();
    for (RecordedRequest r : referee.requests()) {
      boolean streamed = mode == Mode.STREAM && r.endpoint() != Endpoint.BEDROCK_CONVERSE;
      assertThat(r.stream()).as("request #%s streamed", r.sequence()).isEqualTo(streamed);
    }
  }

  /**
   * A listener that keeps every request the loop hands the backend and checks that it needs no
   * repair at all, by core's rules and the dialect's limits: so the body the referee judges is what
   * the loop made, not what the backend's guard fixed.
   */
  static final class Strict implements LoopListener {
    private final Dialect dialect;
    final List<ChatRequest> requests = Collections.synchronizedList(new ArrayList<>());
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    Strict(Dialect dialect) {
      this.dialect = dialect;
    }

    @Override
    public void onRequest(ChatRequest request, int iteration) {
      requests.add(request);
      List<Message> history = new ArrayList<>();
      for (Message m : request.history()) {
        if (!(systemOnTop(dialect) && m.role() == Role.SYSTEM)) {
          history.add(m);
        }
      }
      if (!HistoryGuard.ofDefaults().check(history).isEmpty()) {
        problems.add("request " + iteration + ": " + HistoryGuard.ofDefaults().check(history));
      }
      var wire = WireGuard.ofDefaults().check(new WireRequest(dialect, history, Json.object()));
      if (!wire.isEmpty()) {
        problems.add("request " + iteration + ": " + wire);
      }
    }

    void assertClean() {
      assertThat(problems).as("requests the backend's guard would have had to repair").isEmpty();
    }
  }
}
