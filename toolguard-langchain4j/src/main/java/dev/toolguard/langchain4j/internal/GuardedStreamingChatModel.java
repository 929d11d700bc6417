package dev.toolguard.langchain4j.internal;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A {@link StreamingChatModel} that repairs the messages of every request by a {@link HistoryGate} and
 * otherwise is the model it wraps. A history that the policy rejects reaches the handler's {@code
 * onError}, like any other failure of a stream.
 */
public final class GuardedStreamingChatModel implements StreamingChatModel {

  private final StreamingChatModel delegate;
  private final HistoryGate gate;
  /** The last history converted, whose messages the next one mostly starts with. */
  private final CoreConversions conversions = new CoreConversions();

  /** Wraps {@code delegate}. */
  public GuardedStreamingChatModel(StreamingChatModel delegate, HistoryGate gate) {
    this.delegate = delegate;
    this.gate = gate;
  }

  /** The model this one wraps. */
  public StreamingChatModel delegate() {
    return delegate;
  }

  /** The gate this model repairs with. */
  public HistoryGate gate() {
    return gate;
  }

  @Override
  public void chat(ChatRequest request, StreamingChatResponseHandler handler) {
    ChatRequest guarded = guarded(request, handler);
    if (guarded != null) {
      delegate.chat(guarded, handler);
    }
  }

  @Override
  public void chat(ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
    ChatRequest guarded = guarded(request, handler);
    if (guarded != null) {
      delegate.chat(guarded, options, handler);
    }
  }

  @Override
  public void doChat(ChatRequest chatRequest, StreamingChatResponseHandler handler) {
    ChatRequest guarded = guarded(chatRequest, handler);
    if (guarded != null) {
      delegate.doChat(guarded, handler);
    }
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return delegate.defaultRequestParameters();
  }

  @Override
  public List<ChatModelListener> listeners() {
    return delegate.listeners();
  }

  @Override
  public ModelProvider provider() {
    return delegate.provider();
  }

  @Override
  public Set<Capability> supportedCapabilities() {
    return delegate.supportedCapabilities();
  }

  /** {@code request} repaired by the gate, or null when that failed and the handler's onError was told. */
  private @Nullable ChatRequest guarded(ChatRequest request, StreamingChatResponseHandler handler) {
    try {
      return gate.forProvider(request, gate.dialectFor(delegate.provider()), conversions);
    } catch (RuntimeException e) {
      handler.onError(e);
      return null;
    }
  }

  @Override
  public String toString() {
    return "LangChain4jToolGuard[" + delegate + "]";
  }
}
