package dev.toolguard.langchain4j.internal;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import java.util.Set;

/**
 * A {@link ChatModel} that repairs the messages of every request by a {@link HistoryGate} and
 * otherwise is the model it wraps: the request goes to the same {@code chat} overload of the delegate
 * (so its listeners see the request as it is sent), and parameters, listeners, provider and
 * capabilities are the delegate's.
 */
public final class GuardedChatModel implements ChatModel {

  private final ChatModel delegate;
  private final HistoryGate gate;
  /** The last history converted, whose messages the next one mostly starts with. */
  private final CoreConversions conversions = new CoreConversions();

  /** Wraps {@code delegate}. */
  public GuardedChatModel(ChatModel delegate, HistoryGate gate) {
    this.delegate = delegate;
    this.gate = gate;
  }

  /** The model this one wraps. */
  public ChatModel delegate() {
    return delegate;
  }

  @Override
  public ChatResponse chat(ChatRequest chatRequest) {
    return delegate.chat(gate.forProvider(chatRequest, gate.dialectFor(delegate.provider()), conversions));
  }

  @Override
  public ChatResponse chat(ChatRequest chatRequest, ChatRequestOptions options) {
    return delegate.chat(gate.forProvider(chatRequest, gate.dialectFor(delegate.provider()), conversions), options);
  }

  @Override
  public ChatResponse doChat(ChatRequest chatRequest) {
    return delegate.doChat(gate.forProvider(chatRequest, gate.dialectFor(delegate.provider()), conversions));
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

  /** The gate this model repairs with. */
  public HistoryGate gate() {
    return gate;
  }

  @Override
  public String toString() {
    return "LangChain4jToolGuard[" + delegate + "]";
  }
}
