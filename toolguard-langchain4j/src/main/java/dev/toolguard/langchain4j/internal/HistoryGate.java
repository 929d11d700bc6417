package dev.toolguard.langchain4j.internal;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.ModelProvider;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.InvalidHistoryException;
import dev.toolguard.core.Message;
import dev.toolguard.core.ProviderView;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.ToolguardException;
import dev.toolguard.core.Violation;
import dev.toolguard.core.loop.LoopConfig.HistoryPolicy;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks and repairs LangChain4j histories by a policy: the one piece of logic the guarded model, the
 * guarded streaming model and the guarded memory share. Immutable and thread-safe.
 *
 * @param guard the guard that checks and repairs
 * @param policy repair, or reject a broken history with its violations
 * @param onRepair told of every repair that changed something
 * @param dialect the provider's wire format as the user set it, or null to take it from the model's
 *     {@link ModelProvider} ({@link #dialectOf})
 */
public record HistoryGate(HistoryGuard guard, HistoryPolicy policy, Consumer<RepairResult> onRepair,
    @Nullable Dialect dialect) {

  private static final Logger LOG = LoggerFactory.getLogger("dev.toolguard.langchain4j");

  /** A gate that takes the dialect from the model's provider. */
  public HistoryGate(HistoryGuard guard, HistoryPolicy policy, Consumer<RepairResult> onRepair) {
    this(guard, policy, onRepair, null);
  }

  /**
   * The dialect a request to a model of {@code provider} is repaired for: the one the user set, else
   * {@link #dialectOf(ModelProvider)}; null for the rules every provider shares.
   */
  public @Nullable Dialect dialectFor(@Nullable ModelProvider provider) {
    return dialect != null ? dialect : dialectOf(provider);
  }

  /**
   * The history a provider may get: repaired (or rejected), without approval requests and answers.
   * The same list instance when there is nothing to change.
   *
   * @throws InvalidHistoryException if the history is broken and the policy is to reject
   */
  public List<ChatMessage> forProvider(List<ChatMessage> messages) {
    return forProvider(messages, null);
  }

  /**
   * Like {@link #forProvider(List)}, also keeping the rules of {@code dialect} when given (Anthropic: the
   * first message is the user's, so a history a window cut to start with the assistant gets a placeholder
   * user message, reported as a repair).
   */
  public List<ChatMessage> forProvider(List<ChatMessage> messages, @Nullable Dialect dialect) {
    return forProvider(messages, dialect, Messages.toCore(messages));
  }

  private static List<Message> toCore(List<ChatMessage> messages, @Nullable CoreConversions conversions) {
    return conversions == null ? Messages.toCore(messages) : conversions.toCore(messages);
  }

  private List<ChatMessage> forProvider(List<ChatMessage> messages, @Nullable Dialect dialect, List<Message> core) {
    List<Message> checked = checked(core, dialect);
    List<Message> view = ProviderView.of(checked);
    return view == core ? messages : Messages.toLangChain4j(view);
  }

  /**
   * {@code request} with the messages {@link #forProvider(List)} gives: the same request when there is
   * nothing to change.
   *
   * @throws InvalidHistoryException if the history is broken and the policy is to reject
   * @throws ToolguardException if the repair leaves nothing to send
   */
  public ChatRequest forProvider(ChatRequest request) {
    return forProvider(request, null);
  }

  /** Like {@link #forProvider(ChatRequest)} with the rules of {@code dialect} when given. */
  public ChatRequest forProvider(ChatRequest request, @Nullable Dialect dialect) {
    return forProvider(request, dialect, null);
  }

  /** Like {@link #forProvider(ChatRequest, Dialect)}, converting with {@code conversions} when given. */
  ChatRequest forProvider(ChatRequest request, @Nullable Dialect dialect, @Nullable CoreConversions conversions) {
    List<ChatMessage> messages = forProvider(request.messages(), dialect, toCore(request.messages(), conversions));
    if (messages == request.messages()) {
      return request;
    }
    if (messages.isEmpty()) {
      throw new ToolguardException("after repair nothing is left to send: the " + request.messages().size()
          + " message(s) of the request were all tool results of calls that are not in the history; add the"
          + " user's message");
    }
    return request.toBuilder().messages(messages).build();
  }

  /**
   * The history a memory hands out: repaired (or rejected) for the dialect the user set (a memory does
   * not know its model: without one, by the rules every provider shares), approval requests and answers
   * kept. The same list instance when there is nothing to change.
   *
   * @throws InvalidHistoryException if the history is broken and the policy is to reject
   */
  public List<ChatMessage> forMemory(List<ChatMessage> messages) {
    return forMemory(messages, null);
  }

  /** Like {@link #forMemory(List)}, converting with {@code conversions} when given. */
  List<ChatMessage> forMemory(List<ChatMessage> messages, @Nullable CoreConversions conversions) {
    List<Message> core = toCore(messages, conversions);
    List<Message> checked = checked(core, dialect);
    return checked == core ? messages : Messages.toLangChain4j(checked);
  }

  /** {@code core} repaired by the policy; the same instance when it is valid. */
  public List<Message> checked(List<Message> core) {
    return checked(core, null);
  }

  /** {@code core} repaired by the policy for {@code dialect} (when given); the same instance when valid. */
  public List<Message> checked(List<Message> core, @Nullable Dialect dialect) {
    if (policy == HistoryPolicy.REJECT) {
      List<Violation> violations = dialect == null ? guard.check(core) : guard.check(core, dialect);
      if (!violations.isEmpty()) {
        throw new InvalidHistoryException(violations);
      }
      return core;
    }
    RepairResult repair = dialect == null ? guard.repair(core) : guard.repair(core, dialect);
    if (repair.changed()) {
      try {
        onRepair.accept(repair);
      } catch (RuntimeException e) {
        LOG.warn("the onRepair listener failed ({}); the repaired history is used anyway",
            e.getClass().getSimpleName());
      }
    }
    return repair.history();
  }

  /**
   * The dialect of the wire format a model of {@code provider} speaks: OpenAI and Azure OpenAI {@link
   * Dialect#OPENAI_CHAT}; Anthropic and Anthropic on Vertex AI {@link Dialect#ANTHROPIC}; Google AI
   * Gemini, Google GenAI and Vertex AI Gemini {@link Dialect#GEMINI}; Amazon Bedrock (LangChain4j's
   * Bedrock models speak Converse) {@link Dialect#BEDROCK_CONVERSE}; Mistral AI {@link Dialect#MISTRAL};
   * Ollama {@link Dialect#OLLAMA}. Null (the rules every provider shares) for any other (GitHub Models,
   * Microsoft Foundry, watsonx, Cohere, other, none).
   */
  public static @Nullable Dialect dialectOf(@Nullable ModelProvider provider) {
    if (provider == null) {
      return null;
    }
    return switch (provider) {
      case OPEN_AI, AZURE_OPEN_AI -> Dialect.OPENAI_CHAT;
      case ANTHROPIC, GOOGLE_VERTEX_AI_ANTHROPIC -> Dialect.ANTHROPIC;
      case GOOGLE_AI_GEMINI, GOOGLE_GENAI, GOOGLE_VERTEX_AI_GEMINI -> Dialect.GEMINI;
      case AMAZON_BEDROCK -> Dialect.BEDROCK_CONVERSE;
      case MISTRAL_AI -> Dialect.MISTRAL;
      case OLLAMA -> Dialect.OLLAMA;
      default -> null;
    };
  }
}
