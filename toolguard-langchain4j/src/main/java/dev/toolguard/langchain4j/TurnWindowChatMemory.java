package dev.toolguard.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.store.memory.chat.ChatMemoryStore;
import dev.langchain4j.store.memory.chat.InMemoryChatMemoryStore;
import dev.toolguard.core.conversation.TurnWindow;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A LangChain4j {@link ChatMemory} that keeps a window of whole turns over a {@link ChatMemoryStore}: like
 * {@code MessageWindowChatMemory} (by message count) or {@code TokenWindowChatMemory} (by tokens, with a
 * {@link TokenCountEstimator}), but it never evicts a tool call without its results, a result without its
 * call, a call waiting for approval or the last user message, and keeps the system message. The window is
 * core's {@link TurnWindow}; see there what a turn is and what happens when the turns that must stay are
 * over the limit on their own (the window holds just them, over the limit).
 *
 * <pre>{@code
 * ChatMemory memory = TurnWindowChatMemory.builder()
 *     .id(userId)
 *     .maxMessages(20)                                   // or .maxTokens(2_000, estimator)
 *     .chatMemoryStore(ToolGuardChatMemoryStore.of(JdbcConversationStore.of(dataSource, HistoryJson.codec())))
 *     .build();
 * }</pre>
 *
 * <p>{@link #add} reads the store, appends (a new system message replaces the old one and stands first;
 * the same one again is not added), applies the window and writes the store once; {@link #messages} reads
 * the store and applies the window (to a store written with a larger limit). Over {@link
 * ToolGuardChatMemoryStore} a write names the version read, so two instances adding to one conversation
 * never lose a message: the second gets {@link dev.toolguard.core.conversation.ConversationConflictException}.
 * Guard it with {@link LangChain4jToolGuard#guard(ChatMemory)} to have broken stored conversations repaired
 * (and the repair written back once). Thread-safe: the calls of one instance are serialized.
 */
public final class TurnWindowChatMemory implements ChatMemory {

  private final Object id;
  private final ChatMemoryStore store;
  private final TurnWindow window;
  private final @Nullable TokenCountEstimator estimator;

  private TurnWindowChatMemory(Builder b, TurnWindow window) {
    this.id = b.id;
    this.store = b.store;
    this.window = window;
    this.estimator = b.estimator;
  }

  /** A builder; {@code id} defaults to {@code "default"} and the store to an in-memory one. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Object id() {
    return id;
  }

  /** The window this memory keeps. */
  public TurnWindow window() {
    return window;
  }

  /** The store the messages are kept in. */
  public ChatMemoryStore store() {
    return store;
  }

  @Override
  public synchronized void add(ChatMessage message) {
    if (message == null) {
      throw new IllegalArgumentException("message must not be null");
    }
    List<ChatMessage> messages = new ArrayList<>(store.getMessages(id));
    if (message instanceof SystemMessage) {
      if (messages.contains(message)) {
        return; // the same system message again: nothing to add
      }
      messages.removeIf(m -> m instanceof SystemMessage);
      messages.add(0, message);
    } else {
      messages.add(message);
    }
    store.updateMessages(id, windowed(messages));
  }

  @Override
  public synchronized void set(Iterable<ChatMessage> messages) {
    if (messages == null) {
      throw new IllegalArgumentException("messages must not be null; call clear() to empty the memory");
    }
    List<ChatMessage> list = new ArrayList<>();
    for (ChatMessage m : messages) {
      if (m == null) {
        throw new IllegalArgumentException("messages hold a null message at index " + list.size());
      }
      list.add(m);
    }
    store.updateMessages(id, windowed(list));
  }

  @Override
  public synchronized List<ChatMessage> messages() {
    return new ArrayList<>(windowed(store.getMessages(id)));
  }

  @Override
  public synchronized void clear() {
    store.deleteMessages(id);
  }

  /** {@code messages} with core's window applied: one core message per LangChain4j message. */
  private List<ChatMessage> windowed(List<ChatMessage> messages) {
    return window.applyTo(messages, LangChain4jToolGuard.toCore(messages));
  }

  @Override
  public String toString() {
    return "TurnWindowChatMemory[" + id + ", " + window + (estimator == null ? "" : ", " + estimator) + ", " + store
        + "]";
  }

  /** Builds a {@link TurnWindowChatMemory}; every setter checks its value at once. */
  public static final class Builder {

    private Object id = "default";
    private ChatMemoryStore store = new InMemoryChatMemoryStore();
    private final TurnWindow.Builder limit = TurnWindow.builder("estimator");
    private @Nullable TokenCountEstimator estimator;

    private Builder() {}

    /** The memory id (the conversation key of the store). */
    public Builder id(Object id) {
      if (id == null) {
        throw new IllegalArgumentException("id must not be null: name the memory (a user or chat id)");
      }
      this.id = id;
      return this;
    }

    /** Where the messages are kept; {@link ToolGuardChatMemoryStore} keeps them whole on a database. */
    public Builder chatMemoryStore(ChatMemoryStore store) {
      if (store == null) {
        throw new IllegalArgumentException("chatMemoryStore must not be null: pass a ChatMemoryStore, for example"
            + " ToolGuardChatMemoryStore.of(JdbcConversationStore.of(dataSource, HistoryJson.codec()))");
      }
      this.store = store;
      return this;
    }

    /** A window of at most {@code maxMessages} messages (1 or more), system messages included. */
    public Builder maxMessages(int maxMessages) {
      limit.maxMessages(maxMessages);
      return this;
    }

    /** A window of at most {@code maxTokens} tokens (1 or more) as {@code estimator} counts each message. */
    public Builder maxTokens(int maxTokens, TokenCountEstimator estimator) {
      if (maxTokens < 1) {
        throw new IllegalArgumentException("maxTokens must be 1 or more, was " + maxTokens);
      }
      if (estimator == null) {
        throw new IllegalArgumentException("estimator must not be null: pass the TokenCountEstimator of the model"
            + " (for example OpenAiTokenCountEstimator)");
      }
      limit.maxTokens(maxTokens, LangChain4jToolGuard.tokenCounter(estimator));
      this.estimator = estimator;
      return this;
    }

    /**
     * The memory.
     *
     * @throws IllegalStateException unless exactly one of {@link #maxMessages} and {@link #maxTokens} was set
     */
    public TurnWindowChatMemory build() {
      return new TurnWindowChatMemory(this, limit.build());
    }
  }
}
