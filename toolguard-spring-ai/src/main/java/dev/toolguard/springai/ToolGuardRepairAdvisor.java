package dev.toolguard.springai;

import dev.toolguard.core.Dialect;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.ProviderView;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.Violation;
import dev.toolguard.core.loop.LoopListener;
import dev.toolguard.core.loop.LoopRun;
import dev.toolguard.springai.internal.Dialects;
import dev.toolguard.springai.internal.GeminiView;
import dev.toolguard.springai.internal.MessageMapper;
import org.jspecify.annotations.Nullable;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.Message;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;

/**
 * Repairs the history of every model request and does nothing else: for applications that keep
 * Spring AI's own tool loop ({@code ToolCallingAdvisor}) and memory advisors. It sits last in the
 * chain, right before the model, so it sees every round of the tool loop and whatever the memory
 * advisors added; a history that breaks the tool call invariant (a window cut, a user message
 * between a call and its result, a lost result, a replayed output, rewritten ids) is repaired
 * loss-minimally before it reaches the provider. A valid history passes untouched. The repair keeps the
 * rules of the provider's wire format (a renamed id in its id rule, its adjacency and counts), picked per
 * request from the chat options or set with {@link #withDialect}.
 *
 * <p>It is not a {@code ToolAdvisor}: Spring AI still registers its own tool-calling advisor.
 * Instances are immutable and thread-safe.
 *
 * <p>With {@link #withLoopListener(LoopListener)} it reports what it finds and does through the same
 * hooks as {@link ToolGuardAdvisor} (toolguard-micrometer's {@code ToolguardObservations} turns them into
 * observations and counters): for each model request whose history it repairs, {@link
 * LoopListener#onViolations(LoopRun, List)} with the violations found, then {@link
 * LoopListener#onRepair(LoopRun, RepairResult)} with the actions taken. The {@link LoopRun} is one per
 * request, never started (this advisor runs no loop, so there is no {@code onRunStarted}), with the
 * request's {@link ChatMemory#CONVERSATION_ID} as its conversation key when there is one and the dialect it repaired for.
 */
public final class ToolGuardRepairAdvisor implements CallAdvisor, StreamAdvisor {

  /** The default order: after every other advisor, right before the chat model. */
  public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

  private final HistoryGuard guard;
  private final Consumer<RepairResult> onRepair;
  private final LoopListener listener;
  private final int order;
  private final @Nullable Dialect dialect;

  private ToolGuardRepairAdvisor(HistoryGuard guard, Consumer<RepairResult> onRepair, LoopListener listener,
      int order, @Nullable Dialect dialect) {
    this.guard = guard;
    this.onRepair = onRepair;
    this.listener = listener;
    this.order = order;
    this.dialect = dialect;
  }

  /** A repair advisor with {@link HistoryGuard#ofDefaults()} at {@link #DEFAULT_ORDER}. */
  public static ToolGuardRepairAdvisor create() {
    return new ToolGuardRepairAdvisor(HistoryGuard.ofDefaults(), r -> {}, LoopListener.NOOP, DEFAULT_ORDER, null);
  }

  /**
   * This advisor, repairing for {@code dialect}'s provider whatever model the request goes to. By default
   * the dialect is picked per request from its chat options, which {@code ChatClient} builds from the
   * model's own (see {@link ToolGuardSpringAi#dialectOf}); set it when the model's class is not the wire
   * format (an {@code OpenAiChatModel} pointed at Mistral's OpenAI-compatible endpoint: {@link
   * Dialect#MISTRAL}).
   */
  public ToolGuardRepairAdvisor withDialect(Dialect dialect) {
    if (dialect == null) {
      throw new IllegalArgumentException("dialect must not be null");
    }
    return new ToolGuardRepairAdvisor(guard, onRepair, listener, order, dialect);
  }

  /** The dialect set with {@link #withDialect}, or null when it is picked per request. */
  public @Nullable Dialect dialect() {
    return dialect;
  }

  /** This advisor with another guard. */
  public ToolGuardRepairAdvisor withGuard(HistoryGuard guard) {
    if (guard == null) {
      throw new IllegalArgumentException("guard must not be null");
    }
    return new ToolGuardRepairAdvisor(guard, onRepair, listener, order, dialect);
  }

  /** This advisor, telling {@code onRepair} about every repair it makes (repairs are logged at WARN anyway). */
  public ToolGuardRepairAdvisor withListener(Consumer<RepairResult> onRepair) {
    if (onRepair == null) {
      throw new IllegalArgumentException("onRepair must not be null");
    }
    return new ToolGuardRepairAdvisor(guard, onRepair, listener, order, dialect);
  }

  /**
   * This advisor, reporting the violations it finds and the repairs it makes to {@code listener}
   * ({@link LoopListener#onViolations(LoopRun, List)} and {@link LoopListener#onRepair(LoopRun,
   * RepairResult)}, with the request's conversation id); by default {@link LoopListener#NOOP}. Use {@link
   * LoopListener#all(List)} for several.
   */
  public ToolGuardRepairAdvisor withLoopListener(LoopListener listener) {
    if (listener == null) {
      throw new IllegalArgumentException("listener must not be null; use LoopListener.NOOP for none");
    }
    return new ToolGuardRepairAdvisor(guard, onRepair, listener, order, dialect);
  }

  /** This advisor at another order; keep it after the tool-calling and memory advisors. */
  public ToolGuardRepairAdvisor withOrder(int order) {
    return new ToolGuardRepairAdvisor(guard, onRepair, listener, order, dialect);
  }

  @Override
  public String getName() {
    return "ToolGuardRepairAdvisor";
  }

  @Override
  public int getOrder() {
    return order;
  }

  @Override
  public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
    return chain.nextCall(repaired(request, false));
  }

  @Override
  public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
    return Flux.defer(() -> chain.nextStream(repaired(request, true)));
  }

  private ChatClientRequest repaired(ChatClientRequest request, boolean streaming) {
    MessageMapper mapper = new MessageMapper();
    List<Message> messages = request.prompt().getInstructions();
    List<dev.toolguard.core.Message> history = mapper.toCore(messages);
    Dialect d = dialect != null ? dialect : Dialects.ofOptions(request.prompt().getOptions());
    RepairResult repair = d == null ? guard.repair(history) : guard.repair(history, d);
    List<dev.toolguard.core.Message> view = ProviderView.of(repair.history());
    if (GeminiView.needed(d)) {
      view = GeminiView.of(view);
    }
    if (!repair.changed() && view == history) {
      return request;
    }
    if (repair.changed()) {
      if (listener != LoopListener.NOOP) {
        // looked for only in a history that needed repair, as the loop does (most need none)
        List<Violation> violations = d == null ? guard.check(history) : guard.check(history, d);
        Object id = request.context().get(ChatMemory.CONVERSATION_ID);
        LoopRun run = new LoopRun(UUID.randomUUID().toString(), id == null ? null : id.toString(), d, streaming);
        if (!violations.isEmpty()) {
          listener.onViolations(run, violations);
        }
        listener.onRepair(run, repair);
      }
      onRepair.accept(repair);
    }
    return request.mutate().prompt(request.prompt().mutate().messages(mapper.toSpring(view)).build()).build();
  }
}
