package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.toolguard.core.InvalidHistoryException;
import dev.toolguard.core.ViolationCode;
import dev.toolguard.core.loop.LoopConfig.HistoryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The guarded ChatModel and StreamingChatModel behave like the model they wrap, with repaired requests. */
class GuardedModelTest {

  static final ToolExecutionRequest WEATHER =
      ToolExecutionRequest.builder().id("call_1").name("weather").arguments("{\"city\":\"Paris\"}").build();

  /** A user message typed while the tool ran: it stands between the call and its result. */
  static List<ChatMessage> userMessageBetweenCallAndResult() {
    return List.of(UserMessage.from("Weather in Paris?"), AiMessage.from(WEATHER), UserMessage.from("and tomorrow?"),
        ToolExecutionResultMessage.from(WEATHER, "sunny"));
  }

  @Test
  void theBareModelRefusesWhatTheGuardedOneRepairs() {
    InProcessModel bare = InProcessModel.answering(AiMessage.from("Sunny, and tomorrow too."));
    assertThatThrownBy(() -> bare.chat(userMessageBetweenCallAndResult())).hasMessageContaining("400");

    ChatModel guarded = LangChain4jToolGuard.wrap((ChatModel) bare);
    ChatResponse response = guarded.chat(userMessageBetweenCallAndResult());

    assertThat(response.aiMessage().text()).isEqualTo("Sunny, and tomorrow too.");
    List<ChatMessage> sent = bare.lastMessages();
    assertThat(sent).extracting(m -> m.type().name()).containsExactly("USER", "AI", "TOOL_EXECUTION_RESULT", "USER");
  }

  @Test
  void anUnchangedRequestIsPassedOnAsTheSameObjectThroughBothOverloads() {
    List<ChatRequest> seen = new ArrayList<>();
    List<ChatRequestOptions> options = new ArrayList<>();
    ChatModel recorder = new ChatModel() {
      @Override
      public ChatResponse chat(ChatRequest request) {
        seen.add(request);
        return ChatResponse.builder().aiMessage(AiMessage.from("one")).build();
      }

      @Override
      public ChatResponse chat(ChatRequest request, ChatRequestOptions o) {
        seen.add(request);
        options.add(o);
        return ChatResponse.builder().aiMessage(AiMessage.from("two")).build();
      }
    };
    ChatModel guarded = LangChain4jToolGuard.wrap(recorder);
    ChatRequest valid = ChatRequest.builder().messages(UserMessage.from("hi")).temperature(0.2).build();
    ChatRequestOptions opts = ChatRequestOptions.builder().addListenerAttribute("k", "v").build();

    assertThat(guarded.chat(valid).aiMessage().text()).isEqualTo("one");
    assertThat(guarded.chat(valid, opts).aiMessage().text()).isEqualTo("two");

    assertThat(seen).containsExactly(valid, valid);
    assertThat(seen.get(0)).isSameAs(valid);
    assertThat(seen.get(1)).isSameAs(valid);
    assertThat(options).containsExactly(opts);
  }

  @Test
  void aRepairedRequestKeepsItsParameters() {
    InProcessModel model = InProcessModel.answering(AiMessage.from("ok"));
    ChatRequest broken = ChatRequest.builder().messages(userMessageBetweenCallAndResult())
        .temperature(0.3).maxOutputTokens(77).build();

    LangChain4jToolGuard.wrap((ChatModel) model).chat(broken);

    ChatRequest sent = model.requests.get(0);
    assertThat(sent.temperature()).isEqualTo(0.3);
    assertThat(sent.maxOutputTokens()).isEqualTo(77);
    assertThat(sent.modelName()).isEqualTo("scripted"); // the delegate's defaults still apply
  }

  @Test
  void listenersOfTheDelegateSeeTheRepairedRequestOnce() {
    InProcessModel model = InProcessModel.answering(AiMessage.from("ok"));
    List<List<ChatMessage>> heard = new ArrayList<>();
    model.listeners.add(new ChatModelListener() {
      @Override
      public void onRequest(ChatModelRequestContext context) {
        heard.add(context.chatRequest().messages());
      }
    });
    ChatModel guarded = LangChain4jToolGuard.wrap((ChatModel) model);

    guarded.chat(userMessageBetweenCallAndResult());

    assertThat(heard).hasSize(1);
    assertThat(heard.get(0)).isEqualTo(model.lastMessages());
  }

  @Test
  void everythingElseIsTheDelegates() {
    InProcessModel model = new InProcessModel();
    ChatModel guarded = LangChain4jToolGuard.wrap((ChatModel) model);
    StreamingChatModel streaming = LangChain4jToolGuard.wrap((StreamingChatModel) model);

    assertThat(guarded.provider()).isEqualTo(ModelProvider.OPEN_AI);
    assertThat(guarded.supportedCapabilities()).containsExactly(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    assertThat(guarded.defaultRequestParameters()).isSameAs(model.defaults);
    assertThat(guarded.listeners()).isSameAs(model.listeners);
    assertThat(streaming.provider()).isEqualTo(ModelProvider.OPEN_AI);
    assertThat(streaming.supportedCapabilities()).containsExactly(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    assertThat(streaming.defaultRequestParameters()).isSameAs(model.defaults);
    assertThat(streaming.listeners()).isSameAs(model.listeners);
  }

  @Test
  void aiMessageAttributesAndThinkingSurviveARepair() {
    AiMessage withReasoning = AiMessage.builder().text("Checking").thinking("user wants Paris")
        .toolExecutionRequests(List.of(WEATHER))
        .attributes(Map.of("thinking_signature", "EqQBCkYIBxgCKkA", "reasoning_encrypted", "gAAAAB..."))
        .build();
    InProcessModel model = InProcessModel.answering(AiMessage.from("ok"));
    List<ChatMessage> broken = List.of(UserMessage.from("Weather?"), withReasoning, UserMessage.from("quick"),
        ToolExecutionResultMessage.from(WEATHER, "sunny"));

    LangChain4jToolGuard.wrap((ChatModel) model).chat(broken);

    assertThat(model.lastMessages().get(1)).isSameAs(withReasoning);
  }

  @Test
  void theRejectPolicyFailsWithTheViolations() {
    InProcessModel model = InProcessModel.answering(AiMessage.from("never"));
    ChatModel strict = LangChain4jToolGuard.custom().historyPolicy(HistoryPolicy.REJECT).build().guard((ChatModel) model);

    assertThatThrownBy(() -> strict.chat(userMessageBetweenCallAndResult()))
        .isInstanceOf(InvalidHistoryException.class)
        .hasMessageContaining("call_1")
        .satisfies(e -> assertThat(((InvalidHistoryException) e).violations())
            .extracting(v -> v.code()).contains(ViolationCode.MISPLACED_RESULT));
    assertThat(model.requests).isEmpty();
  }

  @Test
  void theStreamingModelStreamsTheRepairedRequest() throws Exception {
    InProcessModel model = InProcessModel.answering(AiMessage.from("Sunny and warm."));
    StreamingChatModel guarded = LangChain4jToolGuard.wrap((StreamingChatModel) model);
    StringBuilder text = new StringBuilder();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    guarded.chat(userMessageBetweenCallAndResult(), Provider.handler(text, done));

    assertThat(done.get(5, TimeUnit.SECONDS).aiMessage().text()).isEqualTo("Sunny and warm.");
    assertThat(text).hasToString("Sunny and warm.");
    assertThat(model.lastMessages()).hasSize(4);
  }

  @Test
  void aRejectedStreamingRequestReachesOnError() throws Exception {
    InProcessModel model = InProcessModel.answering(AiMessage.from("never"));
    StreamingChatModel strict =
        LangChain4jToolGuard.custom().historyPolicy(HistoryPolicy.REJECT).build().guard((StreamingChatModel) model);
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    strict.chat(ChatRequest.builder().messages(userMessageBetweenCallAndResult()).build(),
        ChatRequestOptions.EMPTY, Provider.handler(new StringBuilder(), done));

    assertThat(done).failsWithin(5, TimeUnit.SECONDS).withThrowableThat()
        .havingCause().isInstanceOf(InvalidHistoryException.class);
    assertThat(model.requests).isEmpty();
  }

  @Test
  void nullModelsAreRefused() {
    assertThatThrownBy(() -> LangChain4jToolGuard.wrap((ChatModel) null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model");
    assertThatThrownBy(() -> LangChain4jToolGuard.custom().historyPolicy(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("historyPolicy");
    assertThat(Set.of(LangChain4jToolGuard.ofDefaults().toString())).isNotEmpty();
  }

  @Test
  void wrappingTwiceIsWrappingOnce() {
    InProcessModel model = new InProcessModel();
    ChatModel once = LangChain4jToolGuard.wrap((ChatModel) model);
    StreamingChatModel streaming = LangChain4jToolGuard.wrap((StreamingChatModel) model);
    assertThat(LangChain4jToolGuard.wrap(once)).isSameAs(once);
    assertThat(LangChain4jToolGuard.wrap(streaming)).isSameAs(streaming);
    assertThat(LangChain4jToolGuard.custom().build().guard(once)).as("same settings").isSameAs(once);
    assertThat(LangChain4jToolGuard.custom().historyPolicy(HistoryPolicy.REJECT).build().guard(once)).isNotSameAs(once);
  }

  @Test
  void aRequestThatRepairLeavesEmptyIsAClearError() {
    InProcessModel model = InProcessModel.answering(AiMessage.from("never"));
    ChatModel guarded = LangChain4jToolGuard.wrap((ChatModel) model);

    assertThatThrownBy(() -> guarded.chat(ToolExecutionResultMessage.from("mcp_1", "search", "{}")))
        .isInstanceOf(dev.toolguard.core.ToolguardException.class)
        .hasMessageContaining("nothing is left to send");
    assertThat(model.requests).isEmpty();
  }
}
