package dev.toolguard.springai;

import static dev.toolguard.springai.ScriptedChatModel.call;
import static dev.toolguard.springai.ScriptedChatModel.calls;
import static dev.toolguard.springai.ScriptedChatModel.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.tool.annotation.Tool;

class ToolGuardAdvisorTest {

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

  @Test
  void runsEachToolOnceInPlaceOfSpringAisToolCallingAdvisor() {
    ScriptedChatModel model = new ScriptedChatModel()
        .reply(calls(call("call_1", "weather", "{\"city\":\"Paris\"}")), text("Sunny in Paris."));
    Weather weather = new Weather();
    ChatClient client = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder().build()).build();

    ChatClientResponse response = client.prompt().user("Weather in Paris?").tools(weather).call().chatClientResponse();

    assertThat(response.chatResponse().getResult().getOutput().getText()).isEqualTo("Sunny in Paris.");
    assertThat(weather.calls).hasValue(1);
    assertThat(model.prompts).hasSize(2);
    assertThat(model.toolsOffered(0)).containsExactly("weather");
    List<Message> second = model.prompts.get(1).getInstructions();
    assertThat(second.get(second.size() - 1)).isInstanceOfSatisfying(ToolResponseMessage.class,
        t -> assertThat(t.getResponses()).extracting(ToolResponseMessage.ToolResponse::responseData)
            .containsExactly("\"sunny in Paris\""));
    assertThat(response.context()).containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.COMPLETED)
        .containsEntry(ToolGuardAdvisor.PENDING, List.of());
    @SuppressWarnings("unchecked")
    List<Message> history = (List<Message>) response.context().get(ToolGuardAdvisor.HISTORY);
    assertThat(history).hasSize(4);
    assertThat(HistoryGuard.ofDefaults().check(ToolGuardSpringAi.toCore(history))).isEmpty();
  }

  @Test
  void isTheOnlyToolAdvisorOfTheChain() {
    ScriptedChatModel model = new ScriptedChatModel().reply(text("hi"));
    ChatClient client = ChatClient.builder(model)
        .defaultAdvisors(ToolGuardAdvisor.builder().build(), ToolCallingAdvisor.builder().build())
        .build();
    assertThatThrownBy(() -> client.prompt().user("hi").call().content())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("At most one ToolAdvisor");
  }

  @Test
  void parallelCallsGetTheirResultsInCallOrderInOneBlock() {
    ScriptedChatModel model = new ScriptedChatModel().reply(
        calls(call("call_1", "weather", "{\"city\":\"Paris\"}"), call("call_2", "weather", "{\"city\":\"Rome\"}")),
        text("Both sunny."));
    Weather weather = new Weather();
    ChatClient client = ChatClient.builder(model)
        .defaultAdvisors(ToolGuardAdvisor.builder().toolObjects(weather).build()).build();

    assertThat(client.prompt().user("Paris and Rome?").call().content()).isEqualTo("Both sunny.");

    assertThat(weather.calls).hasValue(2);
    List<Message> second = model.prompts.get(1).getInstructions();
    ToolResponseMessage results = (ToolResponseMessage) second.get(second.size() - 1);
    assertThat(results.getResponses()).extracting(ToolResponseMessage.ToolResponse::id)
        .containsExactly("call_1", "call_2");
  }

  @Test
  void streamsTextAndRunsToolsOnce() {
    ScriptedChatModel model = new ScriptedChatModel()
        .reply(calls(call("call_1", "weather", "{\"city\":\"Paris\"}")), text("Sunny in Paris."));
    Weather weather = new Weather();
    ChatClient client = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder().build()).build();

    List<ChatClientResponse> chunks = client.prompt().user("Weather?").tools(weather).stream()
        .chatClientResponse().collectList().block();

    StringBuilder text = new StringBuilder();
    for (ChatClientResponse chunk : chunks) {
      String t = chunk.chatResponse().getResult().getOutput().getText();
      text.append(t == null ? "" : t);
    }
    assertThat(text.toString()).isEqualTo("Sunny in Paris.");
    assertThat(weather.calls).hasValue(1);
    assertThat(chunks.get(chunks.size() - 1).context())
        .containsEntry(ToolGuardAdvisor.STATUS, LoopResult.Status.COMPLETED);
  }

  @Test
  void streamContentIsTheTextOfEveryRound() {
    ScriptedChatModel model = new ScriptedChatModel().reply(
        AssistantMessage.builder().content("Let me look. ")
            .toolCalls(List.of(call("call_1", "weather", "{\"city\":\"Oslo\"}"))).build(),
        text("Snow in Oslo."));
    ChatClient client = ChatClient.builder(model)
        .defaultAdvisors(ToolGuardAdvisor.builder().toolObjects(new Weather()).build()).build();

    List<String> parts = client.prompt().user("Oslo?").stream().content().collectList().block();

    assertThat(String.join("", parts)).isEqualTo("Let me look. Snow in Oslo.");
  }

  @Test
  void approvalSuspendsIsStoredAsJsonAndResumesInAnotherAdvisor() {
    JsonChatMemoryRepository store = new JsonChatMemoryRepository();
    ScriptedChatModel model = new ScriptedChatModel().reply(
        calls(call("call_1", "pay", "{\"amount\":5}"), call("call_2", "balance", "{}")),
        text("Paid 5."));
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
  }

  @Test
  void statelessClientsCarryTheHistoryThemselves() {
    ScriptedChatModel model = new ScriptedChatModel().reply(
        calls(call("call_1", "pay", "{\"amount\":7}")), text("Done."));
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
  }

  @Test
  void clientSideToolsWaitForTheApplication() {
    ScriptedChatModel model = new ScriptedChatModel().reply(
        calls(call("call_1", "location", "{}")), text("You are in Lyon."));
    ToolGuardAdvisor advisor = ToolGuardAdvisor.builder()
        .clientTool("location", "The user's location", "{\"type\":\"object\",\"properties\":{}}")
        .chatMemory(MessageWindowChatMemory.builder().build()).defaultConversationId("one").build();
    ChatClient client = ChatClient.builder(model).defaultAdvisors(advisor).build();

    ChatClientResponse waiting = client.prompt().user("Where am I?").call().chatClientResponse();
    assertThat(model.toolsOffered(0)).containsExactly("location");
    ApprovalRequest request = ToolGuardSpringAi.pending(waiting).get(0);
    assertThat(request.metadata()).containsEntry(Metadata.PENDING, Metadata.PENDING_CLIENT);

    String answer = client.prompt()
        .advisors(ToolGuardSpringAi.toolResults(ToolResult.of(request.callId(), "location", "Lyon")))
        .call().content();

    assertThat(answer).isEqualTo("You are in Lyon.");
    List<Message> second = model.prompts.get(1).getInstructions();
    assertThat(second.get(second.size() - 1)).isInstanceOfSatisfying(ToolResponseMessage.class,
        t -> assertThat(t.getResponses().get(0).responseData()).isEqualTo("Lyon"));
  }

  @Test
  void aMemoryWithoutConversationIdIsAClearError() {
    ChatClient client = ChatClient.builder(new ScriptedChatModel().reply(text("x")))
        .defaultAdvisors(ToolGuardAdvisor.builder().chatMemory(MessageWindowChatMemory.builder().build()).build())
        .build();
    assertThatThrownBy(() -> client.prompt().user("hi").call().content())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ChatMemory.CONVERSATION_ID.length() > 0 ? "names no conversation" : "");
  }

  @Test
  void aToolThatThrowsGivesTheModelAnErrorResultAndTheRunGoesOn() {
    ScriptedChatModel model = new ScriptedChatModel().reply(
        calls(call("call_1", "boom", "{}")), text("Sorry."));
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
    List<Message> second = model.prompts.get(1).getInstructions();
    String sent = ((ToolResponseMessage) second.get(second.size() - 1)).getResponses().get(0).responseData();
    assertThat(sent).doesNotContain("secret detail");
  }

  @Test
  void disposingTheStreamCancelsTheRunAndLeavesABalancedHistoryInMemory() throws Exception {
    ScriptedChatModel model = new ScriptedChatModel().reply(calls(call("call_1", "slow", "{}")));
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch interrupted = new java.util.concurrent.CountDownLatch(1);
    Object slow = new Object() {
      @Tool(description = "takes long")
      String slow() {
        started.countDown();
        try {
          Thread.sleep(30_000);
        } catch (InterruptedException e) {
          interrupted.countDown();
          Thread.currentThread().interrupt();
          throw new IllegalStateException("stopped", e);
        }
        return "late";
      }
    };
    ChatMemory memory = MessageWindowChatMemory.builder().build();
    ChatClient client = ChatClient.builder(model).defaultAdvisors(ToolGuardAdvisor.builder().toolObjects(slow)
        .chatMemory(memory).defaultConversationId("s").build()).build();

    reactor.core.Disposable subscription = client.prompt().user("go").stream().content().subscribe();
    assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    subscription.dispose();

    assertThat(interrupted.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (memory.get("s").size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    List<Message> stored = memory.get("s");
    assertThat(stored).hasSize(3);
    assertThat(HistoryGuard.ofDefaults().check(ToolGuardSpringAi.toCore(stored))).isEmpty();
    assertThat(model.prompts).hasSize(1); // no request after the subscriber went away
    assertThat(ToolGuardSpringAi.toCore(stored).get(2).toolResults()).singleElement()
        .satisfies(r -> assertThat(r.error()).isTrue());
  }
}
