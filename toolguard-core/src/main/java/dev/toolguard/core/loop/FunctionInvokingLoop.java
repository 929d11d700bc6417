package dev.toolguard.core.loop;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.internal.DefaultFunctionInvokingLoop;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Decorates a {@link ChatBackend} with the function-invoking loop: it sends the history, runs the
 * tools the model asks for, appends their results right after the call, and asks again, until the
 * model answers without calls, a call must wait for the caller, or a limit is reached.
 *
 * <p>It owns the call/result invariant: the history it sends is repaired (or rejected) first; a
 * turn is atomic, so an assistant message with calls never leaves the loop without a result for
 * every call, also on a tool error, a timeout, cancellation, a backend failure or a limit.
 *
 * <p>Calls that need approval, calls of client-side tools and (by policy) calls of unknown tools
 * suspend the loop: they stand in the history as {@link dev.toolguard.core.ApprovalRequest}s, the
 * run returns {@link LoopResult.Status#AWAITING}, and the caller resumes later — in any process,
 * after any serialization — by appending {@link dev.toolguard.core.ApprovalResponse}s (or tool
 * results for client-side calls) and running again. Answers are matched by call id against the
 * history, never by object identity.
 *
 * <p>Instances are thread-safe; one loop serves many conversations.
 */
public interface FunctionInvokingLoop {

  /**
   * The slf4j MDC key that holds the conversation key on the loop's thread (and on the tool threads)
   * while a run with a key is under way, so that toolguard's log lines (and the tools' own) say which
   * conversation they belong to; the value it had before is put back when the run ends.
   */
  String MDC_CONVERSATION = "toolguard.conversation";

  /**
   * Runs the loop on {@code history} (usually ending with a user message, or with answers to
   * waiting calls) and returns what it did, with the new history.
   *
   * @throws ApprovalException if an answer to a waiting call is refused (nothing ran)
   * @throws dev.toolguard.core.InvalidHistoryException if the history is broken and the policy is to reject
   * @throws LoopException if the backend failed or the run was interrupted; it carries the balanced history
   */
  LoopResult run(List<Message> history);

  /**
   * Like {@link #run(List)}, streaming: assistant text reaches {@code handler} as it arrives, in
   * every round.
   */
  LoopResult stream(List<Message> history, StreamHandler handler);

  /**
   * Runs the loop on {@code history} of the conversation {@code conversationKey} (a chat memory id,
   * a Spring AI conversation id, a session id: whatever names one conversation in the application).
   *
   * <p>The key scopes everything the loop keeps or checks for this conversation: a waiting call is
   * stamped with a digest of it, so an answer made for one conversation is refused in another; and a
   * waiting call is claimed in the {@link CallJournal} under it, so that however often and wherever
   * the same answer is resumed (a double click, a retry, another instance, a stale copy of the
   * history) the call runs once and its result is reused, and a result recorded in one conversation
   * never answers a call of another, whatever the call ids. Without a key ({@link #run(List)}) a
   * result answers only the very waiting call it was recorded for.
   *
   * @throws IllegalArgumentException if {@code conversationKey} is null or blank
   * @throws CallInProgressException if another run holds a call this one was to settle (nothing ran)
   * @throws CallJournalException if the journal failed before anything ran
   */
  LoopResult run(String conversationKey, List<Message> history);

  /** Like {@link #run(String, List)}, streaming assistant text to {@code handler}. */
  LoopResult stream(String conversationKey, List<Message> history, StreamHandler handler);

  /**
   * The calls waiting in a stored {@code history} for an answer from the caller (approval, a
   * client-side result, an unknown tool handed back), in history order — what {@link
   * LoopResult#pending()} said when the history was stored.
   */
  static List<dev.toolguard.core.ApprovalRequest> waiting(List<Message> history) {
    if (history == null) {
      throw new InvalidMessageException("history is null; pass the stored list of messages");
    }
    List<dev.toolguard.core.ApprovalRequest> out = new ArrayList<>();
    for (Message m : history) {
      if (m == null) {
        throw new InvalidMessageException("the history holds a null message");
      }
      for (dev.toolguard.core.Content c : m.contents()) {
        if (c instanceof dev.toolguard.core.ApprovalRequest r) {
          out.add(r);
        }
      }
    }
    return List.copyOf(out);
  }

  /** A builder for a loop over {@code backend}. */
  static Builder builder(ChatBackend backend) {
    return new Builder().backend(backend);
  }

  /**
   * A builder whose backend is set later with {@link Builder#backend(ChatBackend)}: for an adapter
   * that keeps the settings once and makes a loop per request over that request's backend and tools
   * (see {@link Builder#copy()}).
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a {@link FunctionInvokingLoop}. Every setter checks its value at once. Not thread-safe;
   * {@link #copy()} gives an independent builder with the same settings.
   */
  final class Builder {
    private @Nullable ChatBackend backend;
    private ToolRegistry tools = ToolRegistry.of();
    private final List<ToolSpec> clientTools = new ArrayList<>();
    private LoopConfig config = LoopConfig.ofDefaults();
    private LoopListener listener = LoopListener.NOOP;
    private @Nullable ExecutorService executor;
    private CallJournal journal = CallJournal.inMemory(10_000);
    private ApprovalRules rules = ApprovalRules.create();
    private Predicate<ToolCall> approvalPredicate = call -> false;
    private @Nullable ApprovalSigner signer;
    private HistoryGuard guard = HistoryGuard.ofDefaults();
    private Map<String, Object> options = Map.of();
    private java.time.Clock clock = java.time.Clock.systemUTC();
    private dev.toolguard.core.@Nullable Dialect dialect;

    private Builder() {}

    /** The model the loop talks to (required). */
    public Builder backend(ChatBackend backend) {
      if (backend == null) {
        throw new IllegalArgumentException("backend must not be null: the loop needs a model to talk to");
      }
      this.backend = backend;
      return this;
    }

    /**
     * A new builder with everything set here: the backend, tools, client-side tools, config and the
     * same listener, executor, journal, approval rules, predicate, signer, guard and options
     * (shared, not copied). Changes to either builder leave the other as it is.
     */
    public Builder copy() {
      Builder c = new Builder();
      c.backend = backend;
      c.tools = tools;
      c.clientTools.addAll(clientTools);
      c.config = config;
      c.listener = listener;
      c.executor = executor;
      c.journal = journal;
      c.rules = rules;
      c.approvalPredicate = approvalPredicate;
      c.signer = signer;
      c.guard = guard;
      c.options = options;
      c.clock = clock;
      c.dialect = dialect;
      return c;
    }

    /** The tools the loop runs (default: none). */
    public Builder tools(ToolRegistry tools) {
      this.tools = require("tools", tools);
      return this;
    }

    /** The tools the loop runs, all advertised. */
    public Builder tools(LoopTool... tools) {
      return tools(ToolRegistry.of(tools));
    }

    /**
     * A tool the application runs itself: it is offered to the model, and a call of it suspends the
     * loop until the caller answers with its output.
     */
    public Builder clientTool(ToolSpec spec) {
      clientTools.add(require("clientTool", spec));
      return this;
    }

    /** The settings (default {@link LoopConfig#ofDefaults()}). */
    public Builder config(LoopConfig config) {
      this.config = require("config", config);
      return this;
    }

    /** Who observes the loop (default {@link LoopListener#NOOP}). */
    public Builder listener(LoopListener listener) {
      this.listener = require("listener", listener);
      return this;
    }

    /**
     * Where tool calls run (default: a shared pool of daemon threads). The loop never shuts it down.
     */
    public Builder executor(ExecutorService executor) {
      this.executor = require("executor", executor);
      return this;
    }

    /**
     * Where waiting calls are claimed before they run and their results recorded (default: in this
     * process's memory, the last 10,000 calls within 8 Mi characters of keys and outputs, {@link
     * CallJournal#inMemory(int)}; shared by the copies of this builder). Give every instance of the
     * application the same journal ({@code toolguard-jdbc}'s table) so that a call runs once across
     * instances.
     */
    public Builder journal(CallJournal journal) {
      this.journal = require("journal", journal);
      return this;
    }

    /** The "always approve" rules users granted (default: none). */
    public Builder approvalRules(ApprovalRules rules) {
      this.rules = require("approvalRules", rules);
      return this;
    }

    /**
     * Calls for which the predicate is true need approval, besides the tools named in {@link
     * LoopConfig#approvalRequired()}. A predicate that throws (on malformed arguments, say) asks for
     * approval.
     */
    public Builder approvalRequiredWhen(Predicate<ToolCall> predicate) {
      this.approvalPredicate = require("approvalRequiredWhen", predicate);
      return this;
    }

    /** Signs approval requests; only responses that carry the signature are honoured. */
    public Builder signApprovals(ApprovalSigner signer) {
      this.signer = require("signApprovals", signer);
      return this;
    }

    /** The guard that checks and repairs histories (default {@link HistoryGuard#ofDefaults()}). */
    public Builder historyGuard(HistoryGuard guard) {
      this.guard = require("historyGuard", guard);
      return this;
    }

    /**
     * The clock of approval times (issue, expiry) and claim leases (default the system clock in UTC).
     * Tests set a fixed or moving clock here.
     */
    public Builder clock(java.time.Clock clock) {
      this.clock = require("clock", clock);
      return this;
    }

    /**
     * The provider's wire format, when it has rules of its own that the history must keep (default:
     * none, the invariant's rules only): with {@link dev.toolguard.core.Dialect#ANTHROPIC} a history
     * that starts with the assistant (a window cut its user message) gets a user turn first, as
     * Anthropic requires. See {@link HistoryGuard#repair(List, dev.toolguard.core.Dialect)}.
     */
    public Builder dialect(dev.toolguard.core.Dialect dialect) {
      this.dialect = require("dialect", dialect);
      return this;
    }

    /** Options passed to the backend with every request (model, temperature, …). */
    public Builder options(Map<String, Object> options) {
      this.options = Map.copyOf(require("options", options));
      return this;
    }

    /**
     * The loop.
     *
     * @throws IllegalStateException if no backend was set
     * @throws InvalidMessageException if a client-side tool has the name of a tool the loop runs
     */
    public FunctionInvokingLoop build() {
      if (backend == null) {
        throw new IllegalStateException("no backend: set the model the loop talks to with backend(…) before build()");
      }
      Map<String, ToolSpec> client = new LinkedHashMap<>();
      for (ToolSpec spec : clientTools) {
        if (tools.find(spec.name()) != null || client.putIfAbsent(spec.name(), spec) != null) {
          throw new InvalidMessageException("client-side tool '" + spec.name()
              + "' has the name of another tool; tool names must be unique");
        }
      }
      return new DefaultFunctionInvokingLoop(backend, tools, java.util.Collections.unmodifiableMap(client), config,
          listener, executor,
          journal, rules, approvalPredicate, signer, guard, options, clock, dialect);
    }

    private static <T> T require(String name, T value) {
      if (value == null) {
        throw new IllegalArgumentException(name + " must not be null");
      }
      return value;
    }
  }
}
