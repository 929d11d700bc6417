package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.toolguard.core.InvalidHistoryException;
import dev.toolguard.core.ViolationCode;
import dev.toolguard.core.loop.LoopConfig.HistoryPolicy;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The guarded ChatModel and StreamingChatModel behave like the model they wrap, with repaired
 * requests: LangChain4j's own OpenAI clients over HTTP to the testkit referee, which judges every
 * request by the provider's rules. That the bare client gets the provider's 400 for each broken
 * history, and the guarded one an answer, is {@link FailureClassesTest}'s, in all four clients.
 */
class GuardedModelTest extends RefereeTest {

  static final ToolExecutionRequest WEATHER =
      ToolExecutionRequest.builder().id("call_1").name("weather").arguments("{\"city\":\"Paris\"}").build();

  /** A user message typed while the tool ran: it stands between the call and its result. */
  static List<ChatMessage> userMessageBetweenCallAndResult() {
    return List.of(UserMessage.from("Weather in Paris?"), AiMessage.from(WEATHER), UserMessage.from("and tomorrow?"),
        ToolExecutionResultMessage.from(WEATHER, "sunny"));
  }

  /** LangChain4j's OpenAiChatModel on the referee, with {@code listeners}. */
  OpenAiChatModel openAi(ChatModelListener... listeners) {
    return OpenAiChatModel.builder().baseUrl(referee.openAiBaseUrl()).apiKey("test").modelName("gpt-4o-mini")
        .maxRetries(0).timeout(Duration.ofSeconds(10)).listeners(List.of(listeners)).build();
  }

  OpenAiStreamingChatModel openAiStreaming() {
    return OpenAiStreamingChatModel.builder().baseUrl(referee.openAiBaseUrl()).apiKey("test")
        .modelName("gpt-4o-mini").timeout(Duration.ofSeconds(10)).build();
  }

  /** The roles of the messages of the one request the referee got, which it must have accepted. */
  List<String> rolesOfTheAcceptedRequest() {
    assertThat(referee.requests()).singleElement().extracting(RecordedRequest::status).isEqualTo(200);
    List<String> roles = new ArrayList<>();
    for (JsonNode m : referee.lastRequest().json().get("messages")) {
      roles.add(m.get("role").asText());
    }
    return roles;
  }

  @Test
  void theRepairedRequestIsWhatTheProviderGetsAndAccepts() {
    referee.script().enqueue(Reply.text("Sunny, and tomorrow too."));

    ChatResponse response = LangChain4jToolGuard.wrap((ChatModel) openAi()).chat(userMessageBetweenCallAndResult());

    assertThat(response.aiMessage().text()).isEqualTo("Sunny, and tomorrow too.");
    assertThat(rolesOfTheAcceptedRequest()).containsExactly("user", "assistant", "tool", "user");
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
    ChatRequest broken = ChatRequest.builder().messages(userMessageBetweenCallAndResult())
        .temperature(0.3).maxOutputTokens(77).build();

    LangChain4jToolGuard.wrap((ChatModel) openAi()).chat(broken);

    assertThat(rolesOfTheAcceptedRequest()).containsExactly("user", "assistant", "tool", "user");
    JsonNode sent = referee.lastRequest().json();
    assertThat(sent.get("temperature").asDouble()).isEqualTo(0.3);
    assertThat(sent.get("max_tokens").asInt()).isEqualTo(77);
    assertThat(sent.get("model").asText()).isEqualTo("gpt-4o-mini"); // the delegate's defaults still apply
  }

  @Test
  void listenersOfTheDelegateSeeTheRepairedRequestOnce() {
    List<List<ChatMessage>> heard = new CopyOnWriteArrayList<>();
    ChatModel guarded = LangChain4jToolGuard.wrap((ChatModel) openAi(new ChatModelListener() {
      @Override
      public void onRequest(ChatModelRequestContext context) {
        heard.add(context.chatRequest().messages());
      }
    }));

    guarded.chat(userMessageBetweenCallAndResult());

    assertThat(heard).singleElement().satisfies(messages -> assertThat(messages)
        .extracting(m -> m.type().name()).containsExactly("USER", "AI", "TOOL_EXECUTION_RESULT", "USER"));
    assertThat(rolesOfTheAcceptedRequest()).containsExactly("user", "assistant", "tool", "user");
  }

  @Test
  void everythingElseIsTheDelegates() {
    OpenAiChatModel model = openAi();
    OpenAiStreamingChatModel streamingModel = openAiStreaming();
    ChatModel guarded = LangChain4jToolGuard.wrap((ChatModel) model);
    StreamingChatModel streaming = LangChain4jToolGuard.wrap((StreamingChatModel) streamingModel);

    assertThat(guarded.provider()).isEqualTo(model.provider());
    assertThat(guarded.supportedCapabilities()).isEqualTo(model.supportedCapabilities());
    assertThat(guarded.defaultRequestParameters()).isSameAs(model.defaultRequestParameters());
    assertThat(guarded.listeners()).isEqualTo(model.listeners());
    assertThat(streaming.provider()).isEqualTo(streamingModel.provider());
    assertThat(streaming.supportedCapabilities()).isEqualTo(streamingModel.supportedCapabilities());
    assertThat(streaming.defaultRequestParameters()).isSameAs(streamingModel.defaultRequestParameters());
    assertThat(streaming.listeners()).isEqualTo(streamingModel.listeners());
    assertThat(referee.requests()).isEmpty();
  }

  @Test
  void aiMessageAttributesAndThinkingSurviveARepair() {
    AiMessage withReasoning = AiMessage.builder().text("Checking").thinking("user wants Paris")
        .toolExecutionRequests(List.of(WEATHER))
        .attributes(Map.of("thinking_signature", "EqQBCkYIBxgCKkA", "reasoning_encrypted", "gAAAAB..."))
        .build();
    List<ChatMessage> broken = List.of(UserMessage.from("Weather?"), withReasoning, UserMessage.from("quick"),
        ToolExecutionResultMessage.from(WEATHER, "sunny"));
    List<ChatMessage> delegated = new CopyOnWriteArrayList<>();

    LangChain4jToolGuard.wrap((ChatModel) openAi(new ChatModelListener() {
      @Override
      public void onRequest(ChatModelRequestContext context) {
        delegated.addAll(context.chatRequest().messages());
      }
    })).chat(broken);

    assertThat(delegated.get(1)).isSameAs(withReasoning);
    assertThat(rolesOfTheAcceptedRequest()).containsExactly("user", "assistant", "tool", "user");
  }

  @Test
  void theRejectPolicyFailsWithTheViolations() {
    ChatModel strict = LangChain4jToolGuard.custom().historyPolicy(HistoryPolicy.REJECT).build()
        .guard((ChatModel) openAi());

    assertThatThrownBy(() -> strict.chat(userMessageBetweenCallAndResult()))
        .isInstanceOf(InvalidHistoryException.class)
        .hasMessageContaining("call_1")
        .satisfies(e -> assertThat(((InvalidHistoryException) e).violations())
            .extracting(v -> v.code()).contains(ViolationCode.MISPLACED_RESULT));
    assertThat(referee.requests()).isEmpty();
  }

  @Test
  void theStreamingModelStreamsTheRepairedRequest() throws Exception {
    referee.script().enqueue(Reply.text("Sunny and warm."));
    StreamingChatModel guarded = LangChain4jToolGuard.wrap((StreamingChatModel) openAiStreaming());
    StringBuilder text = new StringBuilder();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    guarded.chat(userMessageBetweenCallAndResult(), Provider.handler(text, done));

    assertThat(done.get(20, TimeUnit.SECONDS).aiMessage().text()).isEqualTo("Sunny and warm.");
    assertThat(text).hasToString("Sunny and warm.");
    assertThat(referee.lastRequest().stream()).isTrue();
    assertThat(rolesOfTheAcceptedRequest()).containsExactly("user", "assistant", "tool", "user");
  }

  @Test
  void aRejectedStreamingRequestReachesOnError() {
    StreamingChatModel strict = LangChain4jToolGuard.custom().historyPolicy(HistoryPolicy.REJECT).build()
        .guard((StreamingChatModel) openAiStreaming());
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    strict.chat(ChatRequest.builder().messages(userMessageBetweenCallAndResult()).build(),
        ChatRequestOptions.EMPTY, Provider.handler(new StringBuilder(), done));

    assertThat(done).failsWithin(20, TimeUnit.SECONDS).withThrowableThat()
        .havingCause().isInstanceOf(InvalidHistoryException.class);
    assertThat(referee.requests()).isEmpty();
  }

  @Test
  void nullModelsAreRefused() {
    assertThatThrownBy(() -> LangChain4jToolGuard.wrap((ChatModel) null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model");
    assertThatThrownBy(() -> LangChain4jToolGuard.custom().historyPolicy(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("historyPolicy");
  }

  @Test
  void theGuardSaysItsPoliciesInItsToString() {
    assertThat(LangChain4jToolGuard.ofDefaults().toString()).startsWith("LangChain4jToolGuard[REPAIR, ");
    assertThat(LangChain4jToolGuard.custom().historyPolicy(HistoryPolicy.REJECT).build().toString())
        .startsWith("LangChain4jToolGuard[REJECT, ");
  }

  @Test
  void wrappingTwiceIsWrappingOnce() {
    ChatModel once = LangChain4jToolGuard.wrap((ChatModel) openAi());
    StreamingChatModel streaming = LangChain4jToolGuard.wrap((StreamingChatModel) openAiStreaming());
    assertThat(LangChain4jToolGuard.wrap(once)).isSameAs(once);
    assertThat(LangChain4jToolGuard.wrap(streaming)).isSameAs(streaming);
    assertThat(LangChain4jToolGuard.custom().build().guard(once)).as("same settings").isSameAs(once);
    assertThat(LangChain4jToolGuard.custom().historyPolicy(HistoryPolicy.REJECT).build().guard(once)).isNotSameAs(once);
  }

  @Test
  void aRequestThatRepairLeavesEmptyIsAClearError() {
    ChatModel guarded = LangChain4jToolGuard.wrap((ChatModel) openAi());

    assertThatThrownBy(() -> guarded.chat(ToolExecutionResultMessage.from("mcp_1", "search", "{}")))
        .isInstanceOf(dev.toolguard.core.ToolguardException.class)
        .hasMessageContaining("nothing is left to send");
    assertThat(referee.requests()).isEmpty();
  }
}
