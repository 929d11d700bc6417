package dev.toolguard.springai;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.ProviderView;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.Violation;
import dev.toolguard.core.loop.LoopListener;
import dev.toolguard.core.loop.LoopRun;
import dev.toolguard.springai.internal.MessageMapper;
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
 * loss-minimally before it reaches the provider. A valid history passes untouched.
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
 * request's {@link ChatMemory#CONVERSATION_ID} as its conversation key when there is one and no dialect.
 */
public final class ToolGuardRepairAdvisor implements CallAdvisor, StreamAdvisor {

  /** The default order: after every other advisor, right before the chat model. */
  public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

  private final HistoryGuard guard;
  private final Consumer<RepairResult> onRepair;
  private final LoopListener listener;
  private final int order;

  private ToolGuardRepairAdvisor(HistoryGuard guard, Consumer<RepairResult> onRepair, LoopListener listener,
      int order) {
    this.guard = guard;
    this.onRepair = onRepair;
    this.listener = listener;
    this.order = order;
  }

  /** A repair advisor with {@link HistoryGuard#ofDefaults()} at {@link #DEFAULT_ORDER}. */
  public static ToolGuardRepairAdvisor create() {
    return new ToolGuardRepairAdvisor(HistoryGuard.ofDefaults(), r -> {}, LoopListener.NOOP, DEFAULT_ORDER);
  }

  /** This advisor with another guard. */
  public ToolGuardRepairAdvisor withGuard(HistoryGuard guard) {
    if (guard == null) {
      throw new IllegalArgumentException("guard must not be null");
    }
    return new ToolGuardRepairAdvisor(guard, onRepair, listener, order);
  }

  /** This advisor, telling {@code onRepair} about every repair it makes (repairs are logged at WARN anyway). */
  public ToolGuardRepairAdvisor withListener(Consumer<RepairResult> onRepair) {
    if (onRepair == null) {
      throw new IllegalArgumentException("onRepair must not be null");
    }
    return new ToolGuardRepairAdvisor(guard, onRepair, listener, order);
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
    return new ToolGuardRepairAdvisor(guard, onRepair, listener, order);
  }

  /** This advisor at another order; keep it after the tool-calling and memory advisors. */
  public ToolGuardRepairAdvisor withOrder(int order) {
    return new ToolGuardRepairAdvisor(guard, onRepair, listener, order);
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
    RepairResult repair = guard.repair(history);
    List<dev.toolguard.core.Message> view = ProviderView.of(repair.history());
    if (!repair.changed() && view == history) {
      return request;
    }
    if (repair.changed()) {
      if (listener != LoopListener.NOOP) {
        // looked for only in a history that needed repair, as the loop does (most need none)
        List<Violation> violations = guard.check(history);
        Object id = request.context().get(ChatMemory.CONVERSATION_ID);
        LoopRun run = new LoopRun(UUID.randomUUID().toString(), id == null ? null : id.toString(), null, streaming);
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
