package dev.toolguard.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.TokenCountEstimator;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.InvalidHistoryException;
import dev.toolguard.core.Message;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.conversation.TokenCounter;
import dev.toolguard.core.loop.LoopConfig.HistoryPolicy;
import dev.toolguard.langchain4j.internal.GuardedChatMemory;
import dev.toolguard.langchain4j.internal.GuardedChatModel;
import dev.toolguard.langchain4j.internal.GuardedStreamingChatModel;
import dev.toolguard.langchain4j.internal.HistoryGate;
import dev.toolguard.langchain4j.internal.Messages;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * toolguard for LangChain4j: wraps a {@link ChatModel}, a {@link StreamingChatModel} or a {@link
 * ChatMemory} so that no history with a tool call out of step with its results ever reaches a
 * provider.
 *
 * <pre>{@code
 * ChatModel model = LangChain4jToolGuard.wrap(OpenAiChatModel.builder()...build());
 * ChatMemory memory = LangChain4jToolGuard.wrap(MessageWindowChatMemory.withMaxMessages(20));
 * }</pre>
 *
 * <p>The wrapped model repairs the messages of every request (or, by policy, rejects them with an
 * {@link InvalidHistoryException} listing the violations), leaves out toolguard's approval requests and
 * answers, and is otherwise the model it wraps: both {@code chat} overloads, default request
 * parameters, listeners, provider and capabilities are the delegate's; a history that needs no change
 * is sent as the same request object. The wrapped memory never hands out a broken history (see {@link
 * #guard(ChatMemory)}). Neither runs tools: use them in an {@code AiServices} app as they are, or run
 * the toolguard loop with {@link ToolLoop}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class LangChain4jToolGuard {

  private static final LangChain4jToolGuard DEFAULTS = custom().build();

  private final HistoryGate gate;

  private LangChain4jToolGuard(HistoryGate gate) {
    this.gate = gate;
  }

  /** The default guard: repairs with {@link HistoryGuard#ofDefaults()}. */
  public static LangChain4jToolGuard ofDefaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder custom() {
    return new Builder();
  }

  /** {@code model} guarded with the defaults; see {@link #guard(ChatModel)}. */
  public static ChatModel wrap(ChatModel model) {
    return DEFAULTS.guard(model);
  }

  /** {@code model} guarded with the defaults; see {@link #guard(StreamingChatModel)}. */
  public static StreamingChatModel wrap(StreamingChatModel model) {
    return DEFAULTS.guard(model);
  }

  /** {@code memory} guarded with the defaults; see {@link #guard(ChatMemory)}. */
  public static ChatMemory wrap(ChatMemory memory) {
    return DEFAULTS.guard(memory);
  }

  /**
   * A model that repairs (or rejects) the messages of every request before {@code model} gets them,
   * and is otherwise {@code model}. The repair keeps the rules of the provider's wire format, picked
   * from {@code model.provider()} (OpenAI, Anthropic, Gemini, Bedrock Converse, Mistral, Ollama: see
   * {@link Builder#dialect}) unless the builder set one: Anthropic's first message is the user's, a
   * Mistral id renamed or made up is 9 letters and digits, Ollama's results come in call order with
   * their call's tool name, and so on. A model this guard already guards is returned as it is.
   *
   * @throws IllegalArgumentException if {@code model} is null
   */
  public ChatModel guard(ChatModel model) {
    if (require(model, "model") instanceof GuardedChatModel g && g.gate().equals(gate)) {
      return model;
    }
    return new GuardedChatModel(model, gate);
  }

  /**
   * A streaming model that repairs (or rejects) the messages of every request before {@code model}
   * gets them, and is otherwise {@code model}. A rejected history reaches the handler's {@code onError}.
   *
   * @throws IllegalArgumentException if {@code model} is null
   */
  public StreamingChatModel guard(StreamingChatModel model) {
    if (require(model, "model") instanceof GuardedStreamingChatModel g && g.gate().equals(gate)) {
      return model;
    }
    return new GuardedStreamingChatModel(model, gate);
  }

  /**
   * A memory over {@code memory} (a {@code MessageWindowChatMemory}, a {@code TokenWindowChatMemory}, over
   * any {@code ChatMemoryStore}) that never hands out a broken history. Writes go to {@code memory}
   * unchanged; every read:
   *
   * <ul>
   *   <li>keeps the current exchange (the last user message and all after it) whole, even when the
   *       window is too small for a call and its results;
   *   <li>drops nothing said: what stands before the first user message (a greeting) is kept;
   *   <li>repairs the rest (logged at WARN): a result moved back to its call, the orphan of an evicted
   *       call dropped, a call whose result was lost (a crash, a tool that threw) answered with an error
   *       result. A provider's own rules (Anthropic: the first message is the user's) are kept by the
   *       guarded model ({@link #guard(ChatModel)}), which knows its provider; the memory keeps them too
   *       when the builder names the {@link Builder#dialect dialect}.
   * </ul>
   *
   * <p>Repairs are made on every read and not written back. Approval requests and answers of the
   * {@link ToolLoop} are kept.
   *
   * @throws IllegalArgumentException if {@code memory} is null
   */
  public ChatMemory guard(ChatMemory memory) {
    if (require(memory, "memory") instanceof GuardedChatMemory g && g.gate().equals(gate)) {
      return memory;
    }
    return new GuardedChatMemory(memory, gate);
  }

  /**
   * What a guarded model sends for {@code messages}: repaired (for the {@link Builder#dialect dialect}
   * set, if one is), without approval requests and answers; the same list when nothing has to change.
   *
   * @throws InvalidHistoryException if the history is broken and the policy is to reject
   */
  public List<ChatMessage> repair(List<ChatMessage> messages) {
    return gate.forProvider(require(messages, "messages"), gate.dialect());
  }

  /**
   * The toolguard core history of LangChain4j {@code messages}, one core message per LangChain4j
   * message; the LangChain4j objects ride along in the metadata so that {@link #fromCore} gives them
   * back.
   *
   * @throws dev.toolguard.core.InvalidMessageException if a message cannot be mapped
   */
  public static List<Message> toCore(List<? extends ChatMessage> messages) {
    return Messages.toCore(messages);
  }

  /**
   * The LangChain4j messages of a toolguard core history: the original objects where nothing changed.
   *
   * @throws dev.toolguard.core.InvalidMessageException if a message cannot be expressed in LangChain4j
   */
  public static List<ChatMessage> fromCore(List<Message> history) {
    return Messages.toLangChain4j(require(history, "history"));
  }

  /**
   * Core's {@link TokenCounter} counting with LangChain4j's {@code estimator}: for core's {@link
   * dev.toolguard.core.conversation.TurnWindow} and the token windows of {@link TurnWindowChatMemory} (and,
   * where this module is on the class path, of toolguard-spring-ai's). A message mapped from LangChain4j
   * ({@link #toCore}) is counted as the LangChain4j message it came from; another is mapped to LangChain4j
   * first (a tool message with several results is the sum of its result messages).
   *
   * @throws IllegalArgumentException if {@code estimator} is null
   */
  public static TokenCounter tokenCounter(TokenCountEstimator estimator) {
    require(estimator, "estimator");
    return new TokenCounter() {
      @Override
      public int count(Message message) {
        if (message.metadata().get(Messages.SOURCE) instanceof ChatMessage source) {
          return estimator.estimateTokenCountInMessage(source);
        }
        int total = 0;
        for (ChatMessage m : Messages.toLangChain4j(List.of(message))) {
          total += estimator.estimateTokenCountInMessage(m);
        }
        return total;
      }

      @Override
      public String toString() {
        return "TokenCounter[" + estimator + "]";
      }
    };
  }

  HistoryGate gate() {
    return gate;
  }

  static <T> T require(T value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    return value;
  }

  @Override
  public String toString() {
    return "LangChain4jToolGuard[" + gate.policy() + ", " + gate.guard().policy()
        + (gate.dialect() == null ? "" : ", " + gate.dialect().id()) + "]";
  }

  /** Builds a {@link LangChain4jToolGuard}; every setter checks its value at once. */
  public static final class Builder {
    private HistoryGuard guard = HistoryGuard.ofDefaults();
    private HistoryPolicy policy = HistoryPolicy.REPAIR;
    private Consumer<RepairResult> onRepair = repair -> {};
    private dev.toolguard.core.@Nullable Dialect dialect;

    private Builder() {}

    /**
     * The wire format of the provider the requests go to, whose rules every repair keeps (ids renamed or
     * made up in its id rule, its adjacency and counts). By default a guarded model takes it from its
     * {@code ModelProvider}:
     *
     * <table>
     *   <caption>The dialect of each provider</caption>
     *   <tr><th>{@code ModelProvider}</th><th>dialect</th></tr>
     *   <tr><td>{@code OPEN_AI}, {@code AZURE_OPEN_AI}</td><td>{@link dev.toolguard.core.Dialect#OPENAI_CHAT}</td></tr>
     *   <tr><td>{@code ANTHROPIC}, {@code GOOGLE_VERTEX_AI_ANTHROPIC}</td><td>{@link dev.toolguard.core.Dialect#ANTHROPIC}</td></tr>
     *   <tr><td>{@code GOOGLE_AI_GEMINI}, {@code GOOGLE_GENAI}, {@code GOOGLE_VERTEX_AI_GEMINI}</td>
     *       <td>{@link dev.toolguard.core.Dialect#GEMINI}</td></tr>
     *   <tr><td>{@code AMAZON_BEDROCK}</td><td>{@link dev.toolguard.core.Dialect#BEDROCK_CONVERSE}</td></tr>
     *   <tr><td>{@code MISTRAL_AI}</td><td>{@link dev.toolguard.core.Dialect#MISTRAL}</td></tr>
     *   <tr><td>{@code OLLAMA}</td><td>{@link dev.toolguard.core.Dialect#OLLAMA}</td></tr>
     *   <tr><td>any other</td><td>none: the invariant every provider shares</td></tr>
     * </table>
     *
     * <p>Set it when the model's provider is not the wire format (an OpenAI client pointed at Mistral's
     * OpenAI-compatible endpoint: {@code MISTRAL}), or to have the guarded memory ({@link
     * #guard(ChatMemory)}), which knows no model, keep the provider's rules too.
     */
    public Builder dialect(dev.toolguard.core.Dialect dialect) {
      this.dialect = require(dialect, "dialect");
      return this;
    }

    /** The guard that checks and repairs (default {@link HistoryGuard#ofDefaults()}). */
    public Builder historyGuard(HistoryGuard guard) {
      this.guard = require(guard, "historyGuard");
      return this;
    }

    /**
     * Repair a broken history ({@link HistoryPolicy#REPAIR}, the default) or reject it with an {@link
     * InvalidHistoryException} listing the violations ({@link HistoryPolicy#REJECT}).
     */
    public Builder historyPolicy(HistoryPolicy policy) {
      this.policy = require(policy, "historyPolicy");
      return this;
    }

    /**
     * Told of every repair that changed a history (for metrics or alerts); it must not block. Every
     * repair action is also logged at WARN on {@code dev.toolguard.repair}, with ids only.
     */
    public Builder onRepair(Consumer<RepairResult> listener) {
      this.onRepair = require(listener, "onRepair");
      return this;
    }

    /** The guard. */
    public LangChain4jToolGuard build() {
      return new LangChain4jToolGuard(new HistoryGate(guard, policy, onRepair, dialect));
    }
  }
}
