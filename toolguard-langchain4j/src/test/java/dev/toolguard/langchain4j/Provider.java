package dev.toolguard.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.toolguard.testkit.ProviderReferee;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * LangChain4j's own provider clients, pointed at the testkit referee: the real path a LangChain4j app
 * takes, HTTP and JSON included, with only the base URL changed.
 */
enum Provider {
  /** {@code OpenAiChatModel} on Chat Completions. */
  OPENAI,
  /** {@code OpenAiStreamingChatModel} on Chat Completions, streamed. */
  OPENAI_STREAMING,
  /** {@code AnthropicChatModel} on Messages. */
  ANTHROPIC,
  /** {@code AnthropicStreamingChatModel} on Messages, streamed. */
  ANTHROPIC_STREAMING;

  boolean streaming() {
    return this == OPENAI_STREAMING || this == ANTHROPIC_STREAMING;
  }

  static ChatModel chatModel(Provider p, ProviderReferee referee) {
    if (p == OPENAI) {
      return OpenAiChatModel.builder().baseUrl(referee.openAiBaseUrl()).apiKey("test").modelName("gpt-4o-mini")
          .maxRetries(0).timeout(Duration.ofSeconds(10)).build();
    }
    if (p == ANTHROPIC) {
      return AnthropicChatModel.builder().baseUrl(referee.openAiBaseUrl()).apiKey("test")
          .modelName("claude-sonnet-4-5").maxTokens(256).maxRetries(0).timeout(Duration.ofSeconds(10)).build();
    }
    throw new IllegalArgumentException(p + " streams");
  }

  static StreamingChatModel streamingModel(Provider p, ProviderReferee referee) {
    if (p == OPENAI_STREAMING) {
      return OpenAiStreamingChatModel.builder().baseUrl(referee.openAiBaseUrl()).apiKey("test")
          .modelName("gpt-4o-mini").timeout(Duration.ofSeconds(10)).build();
    }
    if (p == ANTHROPIC_STREAMING) {
      return AnthropicStreamingChatModel.builder().baseUrl(referee.openAiBaseUrl()).apiKey("test")
          .modelName("claude-sonnet-4-5").maxTokens(256).timeout(Duration.ofSeconds(10)).build();
    }
    throw new IllegalArgumentException(p + " does not stream");
  }

  /** Sends {@code messages} through this provider's client, bare or guarded, and waits for the answer. */
  ChatResponse send(ProviderReferee referee, boolean guarded, List<ChatMessage> messages) {
    ChatRequest request = ChatRequest.builder().messages(messages).build();
    if (!streaming()) {
      ChatModel model = chatModel(this, referee);
      return (guarded ? LangChain4jToolGuard.wrap(model) : model).chat(request);
    }
    StreamingChatModel model = streamingModel(this, referee);
    return stream(guarded ? LangChain4jToolGuard.wrap(model) : model, request);
  }

  static ChatResponse stream(StreamingChatModel model, ChatRequest request) {
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    model.chat(request, handler(new StringBuilder(), done));
    try {
      return done.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A handler that appends the streamed text to {@code text} and completes {@code done} with the answer or the error. */
  static StreamingChatResponseHandler handler(StringBuilder text, CompletableFuture<ChatResponse> done) {
    return new StreamingChatResponseHandler() {
      @Override
      public void onPartialResponse(String partialResponse) {
        text.append(partialResponse);
      }

      @Override
      public void onCompleteResponse(ChatResponse completeResponse) {
        done.complete(completeResponse);
      }

      @Override
      public void onError(Throwable error) {
        done.completeExceptionally(error);
      }
    };
  }

  /** Every message of {@code t} and its causes, with JSON-escaped quotes unescaped. */
  static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getMessage()).append('\n');
    }
    return sb.toString().replace("\\\"", "\"").replace("\\u0027", "'").replace("\\u0060", "`");
  }
}
