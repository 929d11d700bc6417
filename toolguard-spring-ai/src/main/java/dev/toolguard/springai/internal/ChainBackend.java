package dev.toolguard.springai.internal;

import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolguardException;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.StreamHandler;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClientMessageAggregator;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * The core {@link ChatBackend} over the rest of a {@code ChatClient}'s advisor chain: each request
 * of the loop goes through the advisors after the toolguard advisor and on to the chat model, so
 * they see every round (as with Spring AI's own tool-calling advisor). Tool definitions travel in
 * the options; the model never runs tools (Spring AI 2 chat models do not).
 */
public final class ChainBackend implements ChatBackend {

  private final MessageMapper mapper;
  private final @Nullable ChatOptions options;
  private final Map<String, @Nullable Object> context;
  private final @Nullable CallAdvisorChain callChain;
  private final @Nullable CallAdvisor callSelf;
  private final @Nullable StreamAdvisorChain streamChain;
  private final @Nullable StreamAdvisor streamSelf;
  private final Consumer<ChatClientResponse> chunks;
  private final BooleanSupplier cancelled;
  private volatile @Nullable ChatClientResponse last;
  private volatile boolean jsonOutputs;

  private ChainBackend(MessageMapper mapper, @Nullable ChatOptions options, Map<String, @Nullable Object> context,
      @Nullable CallAdvisorChain callChain, @Nullable CallAdvisor callSelf, @Nullable StreamAdvisorChain streamChain,
      @Nullable StreamAdvisor streamSelf, Consumer<ChatClientResponse> chunks, BooleanSupplier cancelled) {
    this.mapper = mapper;
    this.options = options;
    this.context = context;
    this.callChain = callChain;
    this.callSelf = callSelf;
    this.streamChain = streamChain;
    this.streamSelf = streamSelf;
    this.chunks = chunks;
    this.cancelled = cancelled;
  }

  /** A backend that calls the rest of {@code chain} after {@code self}. */
  public static ChainBackend calling(MessageMapper mapper, @Nullable ChatOptions options,
      Map<String, @Nullable Object> context, CallAdvisorChain chain, CallAdvisor self) {
    return new ChainBackend(mapper, options, context, chain, self, null, null, c -> {}, () -> false);
  }

  /**
   * A backend that streams through the rest of {@code chain} after {@code self}; text chunks go to
   * {@code chunks} as they arrive. Once {@code cancelled} says so (the subscriber went away), no
   * request is sent any more: the run ends as cancelled, with a balanced history.
   */
  public static ChainBackend streaming(MessageMapper mapper, @Nullable ChatOptions options,
      Map<String, @Nullable Object> context, StreamAdvisorChain chain, StreamAdvisor self,
      Consumer<ChatClientResponse> chunks, BooleanSupplier cancelled) {
    return new ChainBackend(mapper, options, context, null, null, chain, self, chunks, cancelled);
  }

  /** The last response of the chain, or null before the first. */
  public @Nullable ChatClientResponse last() {
    return last;
  }

  @Override
  public ChatResponse send(ChatRequest request) {
    if (callChain == null || callSelf == null) {
      return stream(request, StreamHandler.ignoring());
    }
    ChatClientResponse response = callChain.copy(callSelf).nextCall(springRequest(request));
    last = response;
    return toCore(response);
  }

  @Override
  public ChatResponse stream(ChatRequest request, StreamHandler handler) {
    if (streamChain == null || streamSelf == null) {
      return send(request);
    }
    if (cancelled.getAsBoolean()) {
      throw new CancellationException("the stream was cancelled by its subscriber; no further model request is sent");
    }
    AtomicReference<ChatClientResponse> aggregated = new AtomicReference<>();
    new ChatClientMessageAggregator()
        .aggregateChatClientResponse(streamChain.copy(streamSelf).nextStream(springRequest(request)), aggregated::set)
        .doOnNext(chunk -> {
          AssistantMessage out = output(chunk);
          if (out != null && !out.hasToolCalls() && out.getText() != null && !out.getText().isEmpty()) {
            handler.onText(out.getText());
            chunks.accept(chunk);
          }
        })
        .blockLast();
    ChatClientResponse response = aggregated.get();
    if (response == null) {
      throw new ToolguardException("the streamed model answer ended without any chunk; nothing to aggregate");
    }
    last = response;
    return toCore(response);
  }

  /**
   * This backend, sending the history as Spring AI's Gemini models need it when {@code json} is true
   * ({@link GeminiView}: outputs as JSON, the results of a turn in one tool message).
   */
  public ChainBackend jsonOutputs(boolean json) {
    this.jsonOutputs = json;
    return this;
  }

  private ChatClientRequest springRequest(ChatRequest request) {
    List<org.springframework.ai.chat.messages.Message> messages = mapper.toSpring(
        jsonOutputs ? GeminiView.of(request.history()) : request.history());
    return ChatClientRequest.builder()
        .prompt(new Prompt(messages, options))
        .context(new HashMap<>(context))
        .build();
  }

  private ChatResponse toCore(ChatClientResponse response) {
    AssistantMessage out = output(response);
    if (out == null) {
      throw new ToolguardException("the model returned no answer (a ChatResponse without generations)");
    }
    Message message = mapper.toCore(out, -1);
    if (message.role() != Role.ASSISTANT) {
      throw new ToolguardException("the model answered with a " + message.role() + " message");
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    org.springframework.ai.chat.model.ChatResponse chat = response.chatResponse();
    if (chat != null) {
      putIfPresent(metadata, "id", chat.getMetadata().getId());
      putIfPresent(metadata, "model", chat.getMetadata().getModel());
      Generation g = chat.getResult();
      if (g != null) {
        putIfPresent(metadata, "finishReason", g.getMetadata().getFinishReason());
      }
    }
    return new ChatResponse(message, metadata);
  }

  private static @Nullable AssistantMessage output(ChatClientResponse response) {
    org.springframework.ai.chat.model.ChatResponse chat = response.chatResponse();
    if (chat == null || chat.getResult() == null) {
      return null;
    }
    return chat.getResult().getOutput();
  }

  private static void putIfPresent(Map<String, Object> map, String key, @Nullable Object value) {
    if (value != null && !"".equals(value)) {
      map.put(key, value);
    }
  }
}
