package dev.toolguard.json.http;

import static dev.toolguard.json.http.Http.assertAllAccepted;
import static dev.toolguard.json.http.Http.assertBalanced;
import static dev.toolguard.json.http.Http.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.http.Http.Mode;
import dev.toolguard.testkit.Fault;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.RefereeExtension;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Streaming over HTTP in every dialect: text deltas reach the caller as they arrive, tool call
 * pieces are put together, tools run when the stream ends with calls, and the next round streams too.
 */
class StreamingOverHttpTest {

  @RegisterExtension
  static final RefereeExtension REFEREE = RefereeExtension.resetBeforeEach();

  /** The events each endpoint sends before the first text delta of a text answer. */
  private static int eventsBeforeText(Dialect d) {
    switch (d) {
      case OPENAI_CHAT:
        return 1; // the chunk with the role
      case OPENAI_RESPONSES:
        return 4; // created, in_progress, output_item.added, content_part.added
      default:
        return 3; // message_start, content_block_start, ping
    }
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"OPENAI_CHAT", "OPENAI_RESPONSES", "ANTHROPIC"})
  void textDeltasReachTheHandlerOneByOne(Dialect d) {
    REFEREE.get().script().enqueue(Reply.text("one two three four five"));
    List<String> deltas = new ArrayList<>();

    ChatResponse response = backend(d, REFEREE.get()).stream(ChatRequest.of(List.of(Message.user("Count"))), deltas::add);

    assertThat(deltas).containsExactly("one ", "two ", "three ", "four ", "five");
    assertThat(response.message().text()).isEqualTo("one two three four five");
    assertThat(response.metadata()).containsKeys(HttpChatBackend.RESPONSE_ID, HttpChatBackend.MODEL,
        HttpChatBackend.FINISH_REASON, HttpChatBackend.REQUEST_ID);
    assertThat(REFEREE.get().lastRequest().stream()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"OPENAI_CHAT", "OPENAI_RESPONSES", "ANTHROPIC"})
  void textReachesTheHandlerBeforeTheAnswerIsComplete(Dialect d) {
    // the answer never completes: what the handler got, it got as it arrived
    REFEREE.get().script().enqueue(Reply.text("one two three four five"));
    REFEREE.get().faults().add(Fault.dropStreamAfter(eventsBeforeText(d) + 2));
    List<String> deltas = new ArrayList<>();

    assertThatThrownBy(() -> backend(d, REFEREE.get()).stream(ChatRequest.of(List.of(Message.user("Count"))), deltas::add))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.status()).isEqualTo(200);
          assertThat(e.retryable()).isTrue();
          assertThat(e.providerMessage()).startsWith("the stream was cut off before the answer was complete");
        });
    assertThat(deltas).containsExactly("one ", "two ");
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"OPENAI_CHAT", "OPENAI_RESPONSES", "ANTHROPIC"})
  void toolCallPiecesAreAssembledToolsRunWhenTheStreamEndsAndTheNextRoundStreams(Dialect d) {
    String weatherArgs = "{\"city\":\"Paris\",\"days\":[1,2,3],\"unit\":\"celsius\",\"detail\":\"hourly\"}";
    String timeArgs = "{\"zone\":\"Europe/Paris\"}";
    REFEREE.get().script().enqueue(
        Reply.textAndToolCalls("Checking both.", Reply.call("weather", weatherArgs), Reply.call("time", timeArgs)),
        Reply.text("Sunny, and it is ten."));
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(backend(d, REFEREE.get()))
        .tools(LoopTool.of(ToolSpec.of("weather", "Weather"), args -> {
          events.add("tool weather " + args);
          return "sunny";
        }), LoopTool.of(ToolSpec.of("time", "Time"), args -> {
          events.add("tool time " + args);
          return "10:00";
        }))
        .build();

    LoopResult r = loop.stream(List.of(Message.user("Weather and time?")), delta -> events.add("text " + delta));

    assertThat(r.status()).isEqualTo(LoopResult.Status.COMPLETED);
    assertThat(r.text()).isEqualTo("Sunny, and it is ten.");
    List<ToolCall> calls = r.history().get(1).toolCalls();
    assertThat(calls).extracting(ToolCall::name).containsExactly("weather", "time");
    assertThat(calls).extracting(ToolCall::argumentsJson).containsExactly(weatherArgs, timeArgs);
    assertThat(r.history().get(1).text()).isEqualTo("Checking both.");
    // the first round's text, then the tools (in either order), then the second round's text
    assertThat(events.subList(0, 2)).containsExactly("text Checking ", "text both.");
    assertThat(events.subList(2, 4)).containsExactlyInAnyOrder("tool weather " + weatherArgs, "tool time " + timeArgs);
    assertThat(events.subList(4, events.size()))
        .containsExactly("text Sunny, ", "text and ", "text it ", "text is ", "text ten.");
    assertBalanced(r.history());
    assertAllAccepted(REFEREE.get(), Mode.STREAM);
    List<RecordedRequest> requests = REFEREE.get().requests();
    assertThat(requests).hasSize(2).allSatisfy(q -> assertThat(q.stream()).isTrue());
    assertThat(requests.get(1).toolResultIds()).containsExactly(calls.get(0).callId(), calls.get(1).callId());
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"OPENAI_CHAT", "OPENAI_RESPONSES", "ANTHROPIC"})
  void aStreamedAndAWholeAnswerMakeTheSameMessage(Dialect d) {
    Reply reply = Reply.textAndToolCalls("Let me see.", Reply.call("weather", "{\"city\":\"Oslo\"}"),
        Reply.call("time", "{}")).withReasoning("Two tools are needed.");
    REFEREE.get().script().enqueue(reply, reply);
    HttpChatBackend backend = backend(d, REFEREE.get());
    ChatRequest request = ChatRequest.of(List.of(Message.user("Oslo?")));

    ChatResponse whole = backend.send(request);
    REFEREE.get().reset(); // the same ids again
    REFEREE.get().script().enqueue(reply);
    ChatResponse streamed = backend.stream(request, delta -> {});

    assertThat(streamed.message()).isEqualTo(whole.message());
  }
}
