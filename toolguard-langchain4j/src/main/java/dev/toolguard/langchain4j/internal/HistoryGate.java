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
 */
public record HistoryGate(HistoryGuard guard, HistoryPolicy policy, Consumer<RepairResult> onRepair) {

  private static final Logger LOG = LoggerFactory.getLogger("dev.toolguard.langchain4j");

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
    List<Message> core = Messages.toCore(messages);
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
    List<ChatMessage> messages = forProvider(request.messages(), dialect);
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
   * The history a memory hands out: repaired (or rejected), approval requests and answers kept. The
   * same list instance when there is nothing to change.
   *
   * @throws InvalidHistoryException if the history is broken and the policy is to reject
   */
  public List<ChatMessage> forMemory(List<ChatMessage> messages) {
    List<Message> core = Messages.toCore(messages);
    List<Message> checked = checked(core);
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
   * The dialect whose extra rules a model of {@code provider} needs: {@link Dialect#ANTHROPIC} for
   * Anthropic, null (the rules every provider shares) for any other.
   */
  public static @Nullable Dialect dialectOf(@Nullable ModelProvider provider) {
    return provider == ModelProvider.ANTHROPIC ? Dialect.ANTHROPIC : null;
  }
}
