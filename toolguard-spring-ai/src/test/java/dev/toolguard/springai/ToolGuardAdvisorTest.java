package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.tool.annotation.Tool;

/**
 * The advisor's tool loop through ChatClient and Spring AI's own OpenAiChatModel and AnthropicChatModel,
 * over HTTP to the testkit referee, which judges every request by the provider's rules. Round trips and
 * parallel calls, called and streamed, are also {@link OpenAiToolLoopTest}'s.
 */
class ToolGuardAdvisorTest extends RefereeSupport {

  static final class Weather {
    final AtomicInteger calls = new AtomicInteger();

    @Tool(description = "The weather in a city")
    String weather(String city) {
      calls.incrementAndGet();
      return "sunny in " + city;
    }
  }

  static final class Payments {
    final AtomicInteger paid = new AtomicInteger();
    final AtomicInteger lookups = new AtomicInteger();

    @Tool(description = "Pays an amount")
    String pay(int amount) {
      paid.incrementAndGet();
      return "paid " + amount;
    }

    @Tool(description = "Looks up the balance")
    String balance() {
      lookups.incrementAndGet();
      return "balance 100";
    }
  }

  /** A call the referee's model makes, with the id given. */
  static Reply.Call call(String id, String name, String args) {
    return Reply.call(name, args).withId(id);
  }

  /** The requests the referee got, every one accepted. */
  static List<RecordedRequest> accepted() {
    List<RecordedRequest> requests = referee.requests();
    assertThat(requests).allSatisfy(r -> assertThat(r.status()).as("%s", r).isEqualTo(200));
    return requests;
  }

  /** The names of the tools a request offered, in either provider's shape. */
  static List<String> toolsOffered(RecordedRequest request) {
    List<String> names = new ArrayList<>();
    for (JsonNode tool : request.json().path("tools")) {
      names.add(tool.has("function") ? tool.at("/function/name").asText() : tool.get("name").asText());
    }
    return names;
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void runsEachToolOnceInPlaceOfSpringAisToolCallingAdvisor(Api api) {
    referee.script().enqueue(Reply.toolCalls(call("call_1", "weather", "{\"city\":\"Paris\"}")),
        Reply.text("Sunny in Paris."));
    Weather weather = new Weather();
    ChatClient client = ChatClient.builder(api.model()).defaultAdvisors(ToolGuardAdvisor.builder().build()).build();

    ChatClientResponse response = client.prompt().user("Weather in Paris?").tools(weather).call().chatClientResponse();

    assertThat(response.chatResponse().getResult().getOutput().getText()).isEqualTo("Sunny in Paris.");
    assertThat(weather.calls).hasValue(1);
    List<RecordedRequest> requests = accepted();
    assertThat(requests).hasSize(2);
    assertThat(toolsOffered(requests.get(0))).containsExactly("weather");
    assertThat(requests.get(1).toolResultIds()).containsExactly("call_1");
    assertThat(requests.get(1).lastToolResult()).isEqualTo("\"sunny in Paris\"");
    assertThat(response.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.COMPLETED)
        .containsEntry(ToolGuardAdvisor.PENDING, List.of());
    @SuppressWarnings("unchecked")
    List<Message> history = (List<Message>) response.context().get(ToolGuardAdvisor.HISTORY);
    assertThat(history).hasSize(4);
    assertThat(HistoryGuard.ofDefaults().check(ToolGuardSpringAi.toCore(history))).isEmpty();
  }

  @Test
  void isTheOnlyToolAdvisorOfTheChain() {
    ChatClient client = ChatClient.builder(model)
        .defaultAdvisors(ToolGuardAdvisor.builder().build(), ToolCallingAdvisor.builder().build())
        .build();
    assertThatThrownBy(() -> client.prompt().user("hi").call().content())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("At most one ToolAdvisor");
    assertThat(referee.requests()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void streamsTextAndRunsToolsOnce(Api api) {
    referee.script().enqueue(Reply.toolCalls(call("call_1", "weather", "{\"city\":\"Paris\"}")),
        Reply.text("Sunny in Paris."));
    Weather weather = new Weather();
    ChatClient client = ChatClient.builder(api.model()).defaultAdvisors(ToolGuardAdvisor.builder().build()).build();

    List<ChatClientResponse> chunks = client.prompt().user("Weather?").tools(weather).stream()
        .chatClientResponse().collectList().block();

    StringBuilder text = new StringBuilder();
    for (ChatClientResponse chunk : chunks) {
      String t = chunk.chatResponse() == null ? null : chunk.chatResponse().getResult() == null ? null
          : chunk.chatResponse().getResult().getOutput().getText();
      text.append(t == null ? "" : t);
    }
    assertThat(text.toString()).isEqualTo("Sunny in Paris.");
    assertThat(weather.calls).hasValue(1);
    assertThat(chunks.get(chunks.size() - 1).context())
        .containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.COMPLETED);
    assertThat(accepted()).hasSize(2).allSatisfy(r -> assertThat(r.stream()).isTrue());
  }

  @Test
  void streamContentIsTheTextOfEveryRound() {
    referee.script().enqueue(Reply.textAndToolCalls("Let me look. ", call("call_1", "weather", "{\"city\":\"Oslo\"}")),
        Reply.text("Snow in Oslo."));
    ChatClient client = ChatClient.builder(model)
        .defaultAdvisors(ToolGuardAdvisor.builder().toolObjects(new Weather()).build()).build();

    List<String> parts = client.prompt().user("Oslo?").stream().content().collectList().block();

    assertThat(String.join("", parts)).isEqualTo("Let me look. Snow in Oslo.");
    assertThat(accepted()).hasSize(2);
  }

  @Test
  void approvalSuspendsIsStoredAsJsonAndResumesInAnotherAdvisor() {
    JsonChatMemoryRepository store = new JsonChatMemoryRepository();
    referee.script().enqueue(
        Reply.toolCalls(call("call_1", "pay", "{\"amount\":5}"), call("call_2", "balance", "{}")),
        Reply.text("Paid 5."));
    Payments payments = new Payments();
    LoopConfig config = LoopConfig.custom().approvalRequired(Set.of("pay")).build();

    // process 1: the run stops on the payment
    ChatClient first = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder().config(config)
        .chatMemory(MessageWindowChatMemory.builder().chatMemoryRepository(store).build())
        .toolObjects(payments).build()).build();
    ChatClientResponse suspended = first.prompt().user("Pay 5 and show my balance")
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "c1")).call().chatClientResponse();

    assertThat(suspended.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.AWAITING);
    assertThat(ToolGuardSpringAi.pending(suspended)).extracting(ApprovalRequest::callId).containsExactly("call_1");
    assertThat(suspended.chatResponse().getResult().getOutput().getToolCalls()).isEmpty();
    assertThat(payments.paid).hasValue(0);
    assertThat(payments.lookups).hasValue(1);
    assertThat(store.document("c1")).contains(Metadata.PENDING);
    assertThat(accepted()).hasSize(1);

    // process 2: another advisor over the same store; the request is read back from JSON
    Payments later = new Payments();
    ChatMemory memory = ToolGuardSpringAi.guard(MessageWindowChatMemory.builder().chatMemoryRepository(store).build());
    ChatClient second = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder().config(config)
        .chatMemory(memory).toolObjects(later).build()).build();
    ApprovalRequest request = ToolGuardSpringAi.pending(memory.get("c1")).get(0);
    assertThat(request).isNotSameAs(ToolGuardSpringAi.pending(suspended).get(0));

    String answer = second.prompt().user("Yes, go ahead.")
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "c1"))
        .advisors(ToolGuardSpringAi.approvals(ApprovalResponse.approve(request)))
        .call().content();

    assertThat(answer).isEqualTo("Paid 5.");
    assertThat(later.paid).hasValue(1);
    assertThat(later.lookups).hasValue(0);
    assertThat(accepted()).hasSize(2);
    assertThat(referee.lastRequest().toolResultIds()).containsExactlyInAnyOrder("call_1", "call_2");
    List<Message> stored = memory.get("c1");
    assertThat(ToolGuardSpringAi.pending(stored)).isEmpty();
    assertThat(HistoryGuard.ofDefaults().check(ToolGuardSpringAi.toCore(stored))).isEmpty();
    assertThat(store.document("c1")).doesNotContain(Metadata.PENDING);

    // a replayed approval is refused and runs nothing
    assertThatThrownBy(() -> second.prompt().user("again")
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "c1"))
        .advisors(ToolGuardSpringAi.approvals(ApprovalResponse.approve(request)))
        .call().content())
        .isInstanceOf(ApprovalException.class)
        .hasMessageContaining("call_1");
    assertThat(later.paid).hasValue(1);
    assertThat(referee.requests()).hasSize(2);
  }

  @Test
  void statelessClientsCarryTheHistoryThemselves() {
    referee.script().enqueue(Reply.toolCalls(call("call_1", "pay", "{\"amount\":7}")), Reply.text("Done."));
    Payments payments = new Payments();
    ToolGuardAdvisor advisor = ToolGuardAdvisor.builder()
        .config(LoopConfig.custom().approvalRequired(Set.of("pay")).build()).toolObjects(payments).build();
    ChatClient client = ChatClient.builder(model).defaultAdvisors(advisor).build();

    ChatClientResponse suspended = client.prompt().user("Pay 7").call().chatClientResponse();
    @SuppressWarnings("unchecked")
    List<Message> history = (List<Message>) suspended.context().get(ToolGuardAdvisor.HISTORY);
    List<Message> overTheWire = new ArrayList<>();
    for (Message m : history) {
      overTheWire.add(JsonChatMemoryRepository.read(JsonChatMemoryRepository.write(m)));
    }
    ApprovalRequest request = ToolGuardSpringAi.pending(overTheWire).get(0);

    String answer = client.prompt().messages(overTheWire)
        .advisors(ToolGuardSpringAi.approvals(ApprovalResponse.approve(request))).call().content();

    assertThat(answer).isEqualTo("Done.");
    assertThat(payments.paid).hasValue(1);
    assertThat(accepted()).hasSize(2);
    assertThat(referee.lastRequest().toolResultIds()).containsExactly("call_1");
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void clientSideToolsWaitForTheApplication(Api api) {
    referee.script().enqueue(Reply.toolCalls(call("call_1", "location", "{}")), Reply.text("You are in Lyon."));
    ToolGuardAdvisor advisor = ToolGuardAdvisor.builder()
        .clientTool("location", "The user's location", "{\"type\":\"object\",\"properties\":{}}")
        .chatMemory(MessageWindowChatMemory.builder().build()).defaultConversationId("one").build();
    ChatClient client = ChatClient.builder(api.model()).defaultAdvisors(advisor).build();

    ChatClientResponse waiting = client.prompt().user("Where am I?").call().chatClientResponse();
    assertThat(toolsOffered(accepted().get(0))).containsExactly("location");
    ApprovalRequest request = ToolGuardSpringAi.pending(waiting).get(0);
    assertThat(request.metadata()).containsEntry(Metadata.PENDING, Metadata.PENDING_CLIENT);

    String answer = client.prompt()
        .advisors(ToolGuardSpringAi.toolResults(ToolResult.of(request.callId(), "location", "Lyon")))
        .call().content();

    assertThat(answer).isEqualTo("You are in Lyon.");
    List<RecordedRequest> requests = accepted();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).toolResultIds()).containsExactly("call_1");
    assertThat(requests.get(1).lastToolResult()).isEqualTo("Lyon");
  }

  @Test
  void aMemoryWithoutConversationIdIsAClearError() {
    ChatClient client = ChatClient.builder(model)
        .defaultAdvisors(ToolGuardAdvisor.builder().chatMemory(MessageWindowChatMemory.builder().build()).build())
        .build();
    assertThatThrownBy(() -> client.prompt().user("hi").call().content())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names no conversation");
    assertThat(referee.requests()).isEmpty();
  }

  @Test
  void aToolThatThrowsGivesTheModelAnErrorResultAndTheRunGoesOn() {
    referee.script().enqueue(Reply.toolCalls(call("call_1", "boom", "{}")), Reply.text("Sorry."));
    org.springframework.ai.tool.ToolCallback boom = org.springframework.ai.tool.function.FunctionToolCallback
        .builder("boom", (String in) -> {
          throw new IllegalStateException("secret detail");
        })
        .inputType(String.class).description("fails").build();
    ChatClient client = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder().tools(boom).build())
        .build();

    ChatClientResponse response = client.prompt().user("go").call().chatClientResponse();

    assertThat(response.chatResponse().getResult().getOutput().getText()).isEqualTo("Sorry.");
    LoopResult result = (LoopResult) response.context().get(ToolGuardAdvisor.LOOP_RESULT);
    assertThat(result.toolFailures()).containsKey("call_1");
    List<RecordedRequest> requests = accepted();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).toolResultIds()).containsExactly("call_1");
    assertThat(requests.get(1).lastToolResult()).isNotBlank().doesNotContain("secret detail");
  }

  @Test
  void disposingTheStreamCancelsTheRunAndLeavesABalancedHistoryInMemory() throws Exception {
    referee.script().enqueue(Reply.toolCalls(call("call_1", "slow", "{}")));
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    Object slow = new Object() {
      @Tool(description = "takes long")
      String slow() {
        started.countDown();
        try {
          never.await(); // held until the run is cancelled
        } catch (InterruptedException e) {
          interrupted.countDown();
          Thread.currentThread().interrupt();
          throw new IllegalStateException("stopped", e);
        }
        return "late";
      }
    };
    CountDownLatch stored = new CountDownLatch(1);
    ChatMemory window = MessageWindowChatMemory.builder().build();
    ChatMemory memory = new ChatMemory() {
      @Override
      public void add(String conversationId, List<Message> messages) {
        window.add(conversationId, messages);
        if (window.get(conversationId).size() >= 3) {
          stored.countDown();
        }
      }

      @Override
      public List<Message> get(String conversationId) {
        return window.get(conversationId);
      }

      @Override
      public void clear(String conversationId) {
        window.clear(conversationId);
      }
    };
    ChatClient client = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder().toolObjects(slow)
        .chatMemory(memory).defaultConversationId("s").build()).build();

    reactor.core.Disposable subscription = client.prompt().user("go").stream().content().subscribe();
    assertThat(started.await(30, TimeUnit.SECONDS)).as("the tool started").isTrue();
    subscription.dispose();

    assertThat(interrupted.await(30, TimeUnit.SECONDS)).as("the tool was interrupted").isTrue();
    assertThat(stored.await(30, TimeUnit.SECONDS)).as("the cancelled turn was stored").isTrue();
    List<Message> history = memory.get("s");
    assertThat(history).hasSize(3);
    assertThat(HistoryGuard.ofDefaults().check(ToolGuardSpringAi.toCore(history))).isEmpty();
    assertThat(referee.requests()).hasSize(1); // no request after the subscriber went away
    assertThat(ToolGuardSpringAi.toCore(history).get(2).toolResults()).singleElement()
        .satisfies(r -> assertThat(r.error()).isTrue());
  }
}
