package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolMemoryId;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolService;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult.Status;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The toolguard loop over LangChain4j tools, approvals and client-side tools, in LangChain4j terms,
 * on LangChain4j's own OpenAI clients over HTTP to the testkit referee (every request judged by the
 * provider's rules; the scripted answers keep the call ids the tests name).
 */
class ToolLoopTest extends RefereeTest {

  static ToolExecutionRequest call(String id, String name, String args) {
    return ToolExecutionRequest.builder().id(id).name(name).arguments(args).build();
  }

  /** The referee's answer: one call, or parallel calls, with the ids given. */
  static Reply calls(Reply.Call... calls) {
    return Reply.toolCalls(calls);
  }

  static Reply.Call rc(String id, String name, String args) {
    return Reply.call(name, args).withId(id);
  }

  /** LangChain4j's OpenAiChatModel on the referee. */
  ChatModel model() {
    return Provider.chatModel(Provider.OPENAI, referee);
  }

  /** The requests the referee got, every one accepted. */
  List<RecordedRequest> accepted() {
    List<RecordedRequest> requests = referee.requests();
    assertThat(requests).allSatisfy(r -> assertThat(r.status()).as("%s", r).isEqualTo(200));
    return requests;
  }

  /** The roles of the messages of the last request, with each assistant message's call ids. */
  List<String> lastSent() {
    List<String> sent = new ArrayList<>();
    for (JsonNode m : accepted().get(accepted().size() - 1).json().get("messages")) {
      StringBuilder sb = new StringBuilder(m.get("role").asText());
      for (JsonNode c : m.path("tool_calls")) {
        sb.append(' ').append(c.get("id").asText());
      }
      sent.add(sb.toString());
    }
    return sent;
  }

  /** Tools as an application writes them for AiServices. */
  static final class Travel {
    final List<String> ran = new CopyOnWriteArrayList<>();
    final List<Object> memoryIds = new CopyOnWriteArrayList<>();

    @Tool("Finds trains to a city")
    String findTrain(@P("the city") String city, @ToolMemoryId Object memoryId) {
      ran.add("findTrain " + city);
      memoryIds.add(memoryId == null ? "none" : memoryId);
      return "the 9:40 to " + city;
    }

    @Tool("Pays an amount in euros")
    String pay(int amount) {
      ran.add("pay " + amount);
      return "paid " + amount;
    }

    @Tool("Always fails")
    String broken() {
      ran.add("broken");
      throw new IllegalStateException("the booking system is down");
    }
  }

  @Test
  void toolObjectsRunAndTheirResultsFollowTheirCalls() {
    Travel travel = new Travel();
    referee.script().enqueue(calls(rc("c1", "findTrain", "{\"city\":\"Lyon\"}")), Reply.text("Take the 9:40."));
    ChatModel model = model();
    ToolLoop loop = ToolLoop.builder(model).tools(travel).build();

    ToolLoop.Result r = loop.run(List.of(UserMessage.from("Train to Lyon?")));

    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    assertThat(r.text()).isEqualTo("Take the 9:40.");
    assertThat(travel.ran).containsExactly("findTrain Lyon");
    assertThat(r.messages()).hasSize(4);
    assertThat(r.messages().get(2)).isEqualTo(ToolExecutionResultMessage.builder().id("c1").toolName("findTrain")
        .text("the 9:40 to Lyon").isError(false).build());
    JsonNode first = accepted().get(0).json();
    List<String> offered = new ArrayList<>();
    first.get("tools").forEach(t -> offered.add(t.at("/function/name").asText()));
    assertThat(offered).containsExactlyInAnyOrder("findTrain", "pay", "broken");
    assertThat(first.get("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(lastSent()).containsExactly("user", "assistant c1", "tool");
  }

  @Test
  void specificationAndExecutorPairsRunToo() {
    ToolSpecification clock = ToolSpecification.builder().name("clock").description("the time")
        .parameters(JsonObjectSchema.builder().build()).build();
    referee.script().enqueue(calls(rc("c1", "clock", "{}")), Reply.text("noon"));
    ChatModel model = model();
    ToolLoop loop = ToolLoop.builder(model).tool(clock, (request, memoryId) -> "12:00").build();

    ToolLoop.Result r = loop.run(List.of(UserMessage.from("time?")));

    assertThat(r.text()).isEqualTo("noon");
    assertThat(((ToolExecutionResultMessage) r.messages().get(2)).text()).isEqualTo("12:00");
  }

  @Test
  void specificationAndExecutorPairsReturnImmediatelyWhenNamedSoAsAiServicesTakesThem() {
    ToolSpecification clock = ToolSpecification.builder().name("clock").description("the time")
        .parameters(JsonObjectSchema.builder().build()).build();
    ToolSpecification zone = ToolSpecification.builder().name("zone").description("the time zone")
        .parameters(JsonObjectSchema.builder().build()).build();
    referee.script().enqueue(calls(rc("c1", "clock", "{}")), calls(rc("c2", "zone", "{}")), Reply.text("It is CET."));
    ChatModel model = model();
    Map<ToolSpecification, ToolExecutor> tools = new LinkedHashMap<>();
    tools.put(clock, (request, memoryId) -> "12:00");
    tools.put(zone, (request, memoryId) -> "CET");
    ToolLoop loop = ToolLoop.builder(model).tools(tools, Set.of("clock")).build();

    ToolLoop.Result r = loop.run(List.of(UserMessage.from("time?")));

    assertThat(r.status()).isEqualTo(Status.RETURNED_DIRECT);
    assertThat(accepted()).hasSize(1);
    assertThat(r.directResults()).singleElement().satisfies(e -> {
      assertThat(e.request().id()).isEqualTo("c1");
      assertThat(e.result()).isEqualTo("12:00");
      assertThat(e.hasFailed()).isFalse();
    });

    List<ChatMessage> next = new ArrayList<>(r.messages());
    next.add(UserMessage.from("zone?"));
    ToolLoop.Result zoned = loop.run(next);
    assertThat(zoned.status()).isEqualTo(Status.COMPLETED);
    assertThat(zoned.text()).isEqualTo("It is CET.");
    assertThat(zoned.directResults()).isEmpty();
    assertThat(accepted()).hasSize(3);
  }

  @Test
  void aiServiceToolsKeepTheirReturnBehaviour() {
    Travel travel = new Travel();
    ToolSpecification clock = ToolSpecification.builder().name("clock").description("the time")
        .parameters(JsonObjectSchema.builder().build()).build();
    AiServiceTool immediateClock = AiServiceTool.builder().toolSpecification(clock)
        .toolExecutor((request, memoryId) -> "12:00").returnBehavior(ReturnBehavior.IMMEDIATE_IF_LAST).build();
    referee.script().enqueue(calls(rc("c1", "findTrain", "{\"city\":\"Lyon\"}")), calls(rc("c2", "clock", "{}")), Reply.text("unused"));
    ChatModel model = model();
    ToolLoop loop = ToolLoop.builder(model)
        .tools(ToolService.findTools(travel))
        .tools(List.of(immediateClock))
        .build();

    ToolLoop.Result r = loop.run(List.of(UserMessage.from("train to Lyon, and the time")));

    assertThat(r.status()).isEqualTo(Status.RETURNED_DIRECT);
    assertThat(travel.ran).containsExactly("findTrain Lyon");
    assertThat(accepted()).hasSize(2);
    assertThat(r.directResults()).extracting(e -> e.request().name()).containsExactly("clock");
    assertThat(r.messages()).hasSize(5);
  }

  @Test
  void aToolThatThrowsGivesTheModelAnErrorResultAndTheRunGoesOn() {
    Travel travel = new Travel();
    referee.script().enqueue(calls(rc("c1", "broken", "{}")), Reply.text("Sorry, booking is down."));
    ChatModel model = model();
    ToolLoop loop = ToolLoop.builder(model).tools(travel).build();

    ToolLoop.Result r = loop.run(List.of(UserMessage.from("book")));

    assertThat(r.status()).isEqualTo(Status.COMPLETED);
    ToolExecutionResultMessage error = (ToolExecutionResultMessage) r.messages().get(2);
    assertThat(error.isError()).isTrue();
    assertThat(r.loopResult().toolFailures()).containsKey("c1");
  }

  @Test
  void anApprovalWaitsThroughAJsonStoreAndRunsOnceInTheNextProcess() {
    JsonStore store = new JsonStore();
    Travel travel = new Travel();
    LoopConfig config = LoopConfig.custom().approvalRequired(Set.of("pay")).build();
    referee.script().enqueue(calls(rc("c1", "findTrain", "{\"city\":\"Lyon\"}"), rc("c2", "pay", "{\"amount\":40}")), Reply.text("Booked and paid."));
    ChatModel model = model();
    ChatMemory memory = LangChain4jToolGuard.wrap(MessageWindowChatMemory.builder().id("u1").maxMessages(50)
        .chatMemoryStore(store).build());

    ToolLoop.Result waiting = ToolLoop.builder(model).tools(travel).config(config).build()
        .run(memory, UserMessage.from("Book Lyon and pay"));

    assertThat(waiting.status()).isEqualTo(Status.AWAITING);
    assertThat(travel.ran).containsExactly("findTrain Lyon");
    assertThat(travel.memoryIds).containsExactly("u1");
    assertThat(waiting.pending()).hasSize(1);
    ToolLoop.PendingCall pending = waiting.pending().get(0);
    assertThat(pending.request()).isEqualTo(call("c2", "pay", "{\"amount\":40}"));
    assertThat(pending.needsApproval()).isTrue();
    AiMessage stored = (AiMessage) store.getMessages("u1").get(1);
    assertThat(stored.toolExecutionRequests()).extracting(ToolExecutionRequest::id).containsExactly("c1");
    assertThat(stored.attributes()).containsKey(ToolLoop.APPROVAL_REQUESTS);

    // another process: new memory, new loop, the pending call read back from JSON
    ChatMemory later = LangChain4jToolGuard.wrap(MessageWindowChatMemory.builder().id("u1").maxMessages(50)
        .chatMemoryStore(store).build());
    ToolLoop again = ToolLoop.builder(model).tools(travel).config(config).build();
    ToolLoop.Result done = again.run(later, ToolLoop.answers(pending.approve()));

    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.text()).isEqualTo("Booked and paid.");
    assertThat(travel.ran).containsExactly("findTrain Lyon", "pay 40");
    // the waiting call went out as a plain call again, answered; no approval attribute reached the wire
    assertThat(lastSent()).containsExactly("user", "assistant c1 c2", "tool", "tool");
    assertThat(referee.lastRequest().body()).doesNotContain(ToolLoop.APPROVAL_REQUESTS);

    String before = store.rows.get("u1");
    assertThatThrownBy(() -> again.run(later, ToolLoop.answers(pending.approve())))
        .isInstanceOf(ApprovalException.class).hasMessageContaining("c2");
    assertThat(travel.ran).containsExactly("findTrain Lyon", "pay 40");
    assertThat(store.rows.get("u1")).as("a refused answer is not stored").isEqualTo(before);
  }

  @Test
  void aRejectionIsTheResultTheModelReads() {
    Travel travel = new Travel();
    referee.script().enqueue(calls(rc("c2", "pay", "{\"amount\":900}")), Reply.text("Not paid."));
    ChatModel model = model();
    ToolLoop loop = ToolLoop.builder(model).tools(travel)
        .approvalRequiredWhen(request -> request.arguments().contains("900")).build();
    List<ChatMessage> history = new ArrayList<>(List.of(UserMessage.from("pay 900")));

    ToolLoop.Result waiting = loop.run(history);
    history = new ArrayList<>(waiting.messages());
    history.add(ToolLoop.answers("no, too much", waiting.pending().get(0).reject("too expensive")));
    ToolLoop.Result done = loop.run(history);

    assertThat(travel.ran).isEmpty();
    ToolExecutionResultMessage rejection = (ToolExecutionResultMessage) done.messages().get(2);
    assertThat(rejection.isError()).isTrue();
    assertThat(rejection.text()).contains("too expensive");
    assertThat(done.messages().get(3)).isInstanceOf(UserMessage.class);
    assertThat(((UserMessage) done.messages().get(3)).singleText()).isEqualTo("no, too much");
  }

  @Test
  void aClientSideToolIsAnsweredWithAToolExecutionResultMessage() {
    ToolSpecification location = ToolSpecification.builder().name("location").description("where the user is")
        .build();
    referee.script().enqueue(calls(rc("c1", "location", "{}")), Reply.text("You are in Lyon."));
    ChatModel model = model();
    ToolLoop loop = ToolLoop.builder(model).clientTool(location).build();
    ChatMemory memory = LangChain4jToolGuard.wrap(MessageWindowChatMemory.withMaxMessages(20));

    ToolLoop.Result waiting = loop.run(memory, UserMessage.from("where am I?"));
    assertThat(waiting.status()).isEqualTo(Status.AWAITING);
    ToolLoop.PendingCall pending = waiting.pending().get(0);
    assertThat(pending.clientSide()).isTrue();

    ToolLoop.Result done = loop.run(memory, ToolExecutionResultMessage.from(pending.request(), "45.76,4.83"));

    assertThat(done.text()).isEqualTo("You are in Lyon.");
    assertThat(memory.messages()).extracting(m -> m.type().name())
        .containsExactly("USER", "AI", "TOOL_EXECUTION_RESULT", "AI");
  }

  @Test
  void signedApprovalsSurviveJsonAndForgeriesAreRefused() {
    JsonStore store = new JsonStore();
    Travel travel = new Travel();
    ApprovalSigner signer = ApprovalSigner.hmacSha256("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    referee.script().enqueue(calls(rc("c2", "pay", "{\"amount\":40}")), Reply.text("paid"));
    ChatModel model = model();
    ToolLoop loop = ToolLoop.builder(model).tools(travel).signApprovals(signer)
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build()).build();
    ChatMemory memory = MessageWindowChatMemory.builder().id("s").maxMessages(20).chatMemoryStore(store).build();

    ToolLoop.Result waiting = loop.run(memory, UserMessage.from("pay"));
    ToolLoop.PendingCall pending = waiting.pending().get(0);

    ChatMemory reread = MessageWindowChatMemory.builder().id("s").maxMessages(20).chatMemoryStore(store).build();
    ToolLoop.Result done = loop.run(reread, ToolLoop.answers(pending.approve()));
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(travel.ran).containsExactly("pay 40");
  }

  @Test
  void aStreamingModelPassesTextOnAsItArrives() {
    Travel travel = new Travel();
    referee.script().enqueue(calls(rc("c1", "findTrain", "{\"city\":\"Nice\"}")), Reply.text("Take the 9:40 to Nice."));
    StreamingChatModel model = Provider.streamingModel(Provider.OPENAI_STREAMING, referee);
    ToolLoop loop = ToolLoop.builder(model).tools(travel).build();
    List<String> deltas = new ArrayList<>();

    ToolLoop.Result r = loop.stream(List.of(UserMessage.from("Nice?")), deltas::add);

    assertThat(r.text()).isEqualTo("Take the 9:40 to Nice.");
    assertThat(deltas).hasSizeGreaterThan(1);
    assertThat(String.join("", deltas)).isEqualTo("Take the 9:40 to Nice.");
    assertThat(travel.ran).containsExactly("findTrain Nice");
  }

  @Test
  void badConfigurationIsAClearError() {
    ChatModel model = model();
    assertThatThrownBy(() -> ToolLoop.builder(model).tools(new Object()))
        .hasMessageContaining("no method annotated with @dev.langchain4j.agent.tool.Tool");
    assertThatThrownBy(() -> ToolLoop.builder(model).tools(Travel.class))
        .hasMessageContaining("is a class");
    assertThatThrownBy(() -> ToolLoop.builder(model).tools(new Travel(), new Travel()).build())
        .hasMessageContaining("two tools are named");
    assertThatThrownBy(() -> ToolLoop.answers()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ToolLoop.builder(model).tools((Object) List.of(new Travel())))
        .hasMessageContaining("is a collection");
    ToolSpecification clock = ToolSpecification.builder().name("clock").build();
    assertThatThrownBy(() -> ToolLoop.builder(model)
        .tools(Map.of(clock, (ToolExecutor) (request, memoryId) -> "12:00"), Set.of("clock", "calendar")))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessage("immediateReturnToolNames names 'calendar', which is not the name of a tool of the map;"
            + " the tools are [clock]");
  }
}
