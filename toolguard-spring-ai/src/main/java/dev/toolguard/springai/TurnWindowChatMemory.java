package dev.toolguard.springai;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.Content;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.conversation.ConversationConflictException;
import dev.toolguard.core.conversation.TokenCounter;
import dev.toolguard.core.conversation.TurnWindow;
import dev.toolguard.springai.internal.MessageMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.ai.chat.memory.InMemoryChatMemoryRepository;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.tokenizer.TokenCountEstimator;

/**
 * A Spring AI {@link ChatMemory} that keeps a window of whole turns over a {@link ChatMemoryRepository},
 * like {@code MessageWindowChatMemory}, by message count or by tokens (a core {@link TokenCounter}:
 * {@link #tokenCounter} adapts Spring AI's {@code TokenCountEstimator}; with toolguard-langchain4j on the
 * class path, {@code LangChain4jToolGuard.tokenCounter(estimator)} adapts a
 * LangChain4j {@code TokenCountEstimator}). It never evicts a tool call without its results, a result
 * without its call, a call waiting for approval or the last user message, and keeps the system messages.
 * The window is core's {@link TurnWindow}; see there what a turn is and what happens when the turns that
 * must stay are over the limit on their own (the window holds just them, over the limit).
 *
 * <pre>{@code
 * ChatMemory memory = TurnWindowChatMemory.builder()
 *     .chatMemoryRepository(ToolGuardChatMemoryRepository.of(JdbcConversationStore.of(dataSource, HistoryJson.codec())))
 *     .maxMessages(20)                                   // or .maxTokens(2_000, counter)
 *     .build();
 * }</pre>
 *
 * <p>{@link #add} reads the repository, appends (a system message not stored yet replaces the stored
 * ones, as in Spring AI's window; one stored already is not added again), applies the window and saves once. {@link #get} reads, repairs a broken
 * stored conversation (loss-minimal, logged at WARN by {@link HistoryGuard}) and writes the repair back
 * once, so the next read is clean and the repair is logged once; then it applies the window. Over {@link
 * ToolGuardChatMemoryRepository} every save names the version read: two instances adding to one
 * conversation never lose a message (the second gets {@link ConversationConflictException}); a repair
 * whose write-back loses such a race is not written (the other writer's state wins) and is handed out all
 * the same. Thread-safe when the repository is.
 */
public final class TurnWindowChatMemory implements ChatMemory {

  private static final Logger LOG = LoggerFactory.getLogger("dev.toolguard.springai");

  private final ChatMemoryRepository repository;
  private final TurnWindow window;
  private final HistoryGuard guard;

  private TurnWindowChatMemory(ChatMemoryRepository repository, TurnWindow window, HistoryGuard guard) {
    this.repository = repository;
    this.window = window;
    this.guard = guard;
  }

  /** A builder; the repository defaults to an in-memory one, the guard to {@link HistoryGuard#ofDefaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Core's {@link TokenCounter} counting with Spring AI's {@code estimator} (for example {@code new
   * JTokkitTokenCountEstimator()}): the texts of a message, the names and arguments of its calls and the
   * outputs of its results, plus {@value #TOKENS_PER_MESSAGE} for the message itself.
   *
   * @throws IllegalArgumentException if {@code estimator} is null
   */
  public static TokenCounter tokenCounter(TokenCountEstimator estimator) {
    if (estimator == null) {
      throw new IllegalArgumentException("estimator must not be null: pass a TokenCountEstimator, for example"
          + " new JTokkitTokenCountEstimator()");
    }
    return new TokenCounter() {
      @Override
      public int count(dev.toolguard.core.Message message) {
        StringBuilder said = new StringBuilder();
        for (Content c : message.contents()) {
          if (c instanceof Text t) {
            said.append(t.text()).append('\n');
          } else if (c instanceof ToolCall call) {
            said.append(call.name()).append(' ').append(call.argumentsJson()).append('\n');
          } else if (c instanceof ToolResult r) {
            said.append(r.output()).append('\n');
          } else if (c instanceof ApprovalRequest r) {
            said.append(r.call().name()).append(' ').append(r.call().argumentsJson()).append('\n');
          }
        }
        return TOKENS_PER_MESSAGE + (said.length() == 0 ? 0 : estimator.estimate(said.toString()));
      }

      @Override
      public String toString() {
        return "TokenCounter[" + estimator + "]";
      }
    };
  }

  /** Tokens counted for a message itself (its role and framing) by {@link #tokenCounter}. */
  public static final int TOKENS_PER_MESSAGE = 4;

  /** The window this memory keeps. */
  public TurnWindow window() {
    return window;
  }

  /** The repository the messages are kept in. */
  public ChatMemoryRepository repository() {
    return repository;
  }

  @Override
  public void add(String conversationId, List<Message> messages) {
    requireId(conversationId);
    if (messages == null) {
      throw new IllegalArgumentException("messages must not be null");
    }
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i) == null) {
        throw new IllegalArgumentException("messages hold a null message at index " + i);
      }
    }
    List<Message> stored = repository.findByConversationId(conversationId);
    Set<Message> known = new HashSet<>(stored);
    boolean newSystem = messages.stream().anyMatch(m -> m instanceof SystemMessage && !known.contains(m));
    List<Message> all = new ArrayList<>(stored.size() + messages.size());
    for (Message m : stored) {
      if (!(newSystem && m instanceof SystemMessage)) {
        all.add(m);
      }
    }
    for (Message m : messages) {
      if (!(m instanceof SystemMessage && known.contains(m))) {
        all.add(m);
      }
    }
    repository.saveAll(conversationId, windowed(all, new MessageMapper()));
  }

  @Override
  public List<Message> get(String conversationId) {
    requireId(conversationId);
    List<Message> stored = repository.findByConversationId(conversationId);
    MessageMapper mapper = new MessageMapper();
    RepairResult repair = guard.repair(mapper.toCore(stored));
    List<Message> history = stored;
    if (repair.changed()) {
      history = mapper.toSpring(repair.history());
      replace(conversationId, history);
    }
    return new ArrayList<>(windowed(history, mapper));
  }

  /**
   * Replaces the conversation with {@code messages} (windowed) in one save: how a repair is written back.
   * A lost race ({@link ConversationConflictException}) writes nothing and is logged at DEBUG.
   */
  void replace(String conversationId, List<Message> messages) {
    try {
      repository.saveAll(conversationId, windowed(messages, new MessageMapper()));
      LOG.debug("conversation {}: the repaired history was written back ({} messages)", conversationId,
          messages.size());
    } catch (ConversationConflictException e) {
      LOG.debug("conversation {}: the repair was not written back: the conversation was saved by another writer"
          + " since it was read (version {}, now {})", conversationId, e.expectedVersion(), e.actualVersion());
    }
  }

  @Override
  public void clear(String conversationId) {
    repository.deleteByConversationId(requireId(conversationId));
  }

  /** {@code messages} with core's window applied: one core message per Spring AI message. */
  private List<Message> windowed(List<Message> messages, MessageMapper mapper) {
    return window.applyTo(messages, mapper.toCore(messages));
  }

  private static String requireId(String conversationId) {
    if (conversationId == null || conversationId.isBlank()) {
      throw new IllegalArgumentException("conversationId must not be null or blank: name the conversation");
    }
    return conversationId;
  }

  @Override
  public String toString() {
    return "TurnWindowChatMemory[" + window + ", " + repository + "]";
  }

  /** Builds a {@link TurnWindowChatMemory}; every setter checks its value at once. */
  public static final class Builder {

    private ChatMemoryRepository repository = new InMemoryChatMemoryRepository();
    private HistoryGuard guard = HistoryGuard.ofDefaults();
    private final TurnWindow.Builder limit = TurnWindow.builder("counter");

    private Builder() {}

    /** Where the messages are kept; {@link ToolGuardChatMemoryRepository} keeps them whole on a database. */
    public Builder chatMemoryRepository(ChatMemoryRepository repository) {
      if (repository == null) {
        throw new IllegalArgumentException("chatMemoryRepository must not be null: pass a ChatMemoryRepository, for"
            + " example ToolGuardChatMemoryRepository.of(JdbcConversationStore.of(dataSource, HistoryJson.codec()))");
      }
      this.repository = repository;
      return this;
    }

    /** The guard that repairs a broken stored conversation; {@link HistoryGuard#ofDefaults()} by default. */
    public Builder historyGuard(HistoryGuard guard) {
      if (guard == null) {
        throw new IllegalArgumentException("historyGuard must not be null; use HistoryGuard.ofDefaults()");
      }
      this.guard = guard;
      return this;
    }

    /** A window of at most {@code maxMessages} messages (1 or more), system messages included. */
    public Builder maxMessages(int maxMessages) {
      limit.maxMessages(maxMessages);
      return this;
    }

    /** A window of at most {@code maxTokens} tokens (1 or more) as {@code counter} counts each message. */
    public Builder maxTokens(int maxTokens, TokenCounter counter) {
      if (maxTokens < 1) {
        throw new IllegalArgumentException("maxTokens must be 1 or more, was " + maxTokens);
      }
      if (counter == null) {
        throw new IllegalArgumentException("counter must not be null: pass a TokenCounter (with toolguard-langchain4j:"
            + " LangChain4jToolGuard.tokenCounter(estimator))");
      }
      limit.maxTokens(maxTokens, counter);
      return this;
    }

    /**
     * The memory.
     *
     * @throws IllegalStateException unless exactly one of {@link #maxMessages} and {@link #maxTokens} was set
     */
    public TurnWindowChatMemory build() {
      return new TurnWindowChatMemory(repository, limit.build(), guard);
    }
  }
}
