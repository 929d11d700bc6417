package dev.toolguard.core.loop;

import java.time.Duration;
import java.util.Set;

/**
 * The loop's settings. Immutable; build with {@link #custom()} or take {@link #ofDefaults()}. Each
 * builder method checks its value at once and names the setting in its error.
 */
public final class LoopConfig {

  /** What to do with a call of a tool the loop does not know. */
  public enum UnknownToolPolicy {
    /** Answer the model with an error result that lists the tools it may call (default). */
    ERROR_RESULT,
    /** End the loop and hand the call back to the caller, pending like a client-side call. */
    END_LOOP
  }

  /** What to do with a history that breaks the invariant before a request. */
  public enum HistoryPolicy {
    /** Repair it with {@link dev.toolguard.core.HistoryGuard#repair} (default). */
    REPAIR,
    /** Fail with an {@link dev.toolguard.core.InvalidHistoryException} listing the violations. */
    REJECT
  }

  /** What a new user message without approval responses does to calls still waiting for approval. */
  public enum PendingPolicy {
    /** The waiting calls get "not approved" results, placed before the new message (default). */
    DECLINE,
    /** Fail with an {@link ApprovalException}: the caller must answer the waiting calls first. */
    FAIL
  }

  /** The default text of the result of a rejected call; {@code {reason}} is the rejection reason. */
  public static final String DEFAULT_REJECTION_TEXT = "The user did not approve this call. Reason: {reason}";

  /** The default text of the result of a call that was still waiting when the user went on. */
  public static final String DEFAULT_NOT_ANSWERED_TEXT =
      "The user went on without approving this call; it was not run.";

  /** What the lease of a claim adds to {@link #callTimeout()} unless {@link Builder#claimLease} is set: 30 s. */
  public static final Duration DEFAULT_LEASE_MARGIN = Duration.ofSeconds(30);

  /**
   * The default text of the result of a call whose run was cut off (its instance died mid-call) and
   * whose tool is not idempotent; {@code {tool}} is the tool name.
   */
  public static final String DEFAULT_OUTCOME_UNKNOWN_TEXT = "Tool '{tool}' may or may not have run: the run"
      + " that started this call stopped before it finished, so its outcome is unknown. Check its effect before"
      + " calling it again.";

  private static final LoopConfig DEFAULTS = custom().build();

  private final int maxIterations;
  private final int maxCallsPerRequest;
  private final int maxConcurrency;
  private final Duration callTimeout;
  private final boolean detailedErrors;
  private final int maxConsecutiveErrors;
  private final UnknownToolPolicy unknownToolPolicy;
  private final HistoryPolicy historyPolicy;
  private final PendingPolicy pendingPolicy;
  private final boolean runOthersWhileAwaitingApproval;
  private final Set<String> approvalRequired;
  private final Set<String> sequentialTools;
  private final String rejectionText;
  private final String notAnsweredText;
  private final int maxArgumentsLength;
  private final int maxOutputLength;
  private final boolean inlineSingleCalls;
  private final Duration claimLease;
  private final @org.jspecify.annotations.Nullable Duration explicitClaimLease;
  private final Duration claimWait;
  private final Duration approvalTtl;
  private final String outcomeUnknownText;

  private LoopConfig(Builder b) {
    this.maxIterations = b.maxIterations;
    this.maxCallsPerRequest = b.maxCallsPerRequest;
    this.maxConcurrency = b.maxConcurrency;
    this.callTimeout = b.callTimeout;
    this.detailedErrors = b.detailedErrors;
    this.maxConsecutiveErrors = b.maxConsecutiveErrors;
    this.unknownToolPolicy = b.unknownToolPolicy;
    this.historyPolicy = b.historyPolicy;
    this.pendingPolicy = b.pendingPolicy;
    this.runOthersWhileAwaitingApproval = b.runOthersWhileAwaitingApproval;
    this.approvalRequired = Set.copyOf(b.approvalRequired);
    this.sequentialTools = Set.copyOf(b.sequentialTools);
    this.rejectionText = b.rejectionText;
    this.notAnsweredText = b.notAnsweredText;
    this.maxArgumentsLength = b.maxArgumentsLength;
    this.maxOutputLength = b.maxOutputLength;
    this.inlineSingleCalls = b.inlineSingleCalls;
    this.explicitClaimLease = b.claimLease;
    this.claimLease = b.claimLease != null ? b.claimLease : b.callTimeout.plus(DEFAULT_LEASE_MARGIN);
    if (claimLease.compareTo(callTimeout) <= 0) {
      throw new IllegalArgumentException("claimLease (" + claimLease + ") must be longer than callTimeout ("
          + callTimeout + "): a claim whose lease ends while its call still runs lets another run take it over");
    }
    this.claimWait = b.claimWait;
    this.approvalTtl = b.approvalTtl;
    this.outcomeUnknownText = b.outcomeUnknownText;
  }


  /** The defaults: 10 iterations, 64 calls, 4 at once, 60 s per call, generic errors, 3 errors in a row. */
  public static LoopConfig ofDefaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder custom() {
    return new Builder();
  }

  /** A builder starting from {@code config}. */
  public static Builder from(LoopConfig config) {
    return new Builder(config);
  }

  /** How many model requests one run may make. */
  public int maxIterations() {
    return maxIterations;
  }

  /** How many tool calls one run may make in total. */
  public int maxCallsPerRequest() {
    return maxCallsPerRequest;
  }

  /** How many tool calls may run at the same time; 1 runs them one after another. */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /** How long one tool call may run before it is interrupted and answered with an error. */
  public Duration callTimeout() {
    return callTimeout;
  }

  /** Whether the model sees the exception text of a failed tool, or only that it failed. */
  public boolean detailedErrors() {
    return detailedErrors;
  }

  /** After this many iterations in a row in which every call failed, the loop ends. */
  public int maxConsecutiveErrors() {
    return maxConsecutiveErrors;
  }

  /** What happens to a call of an unknown tool. */
  public UnknownToolPolicy unknownToolPolicy() {
    return unknownToolPolicy;
  }

  /** What happens to a broken history before each request. */
  public HistoryPolicy historyPolicy() {
    return historyPolicy;
  }

  /** What a new user message does to calls still waiting for approval. */
  public PendingPolicy pendingPolicy() {
    return pendingPolicy;
  }

  /**
   * Whether calls that need no approval run while others of the same answer wait for it (true), or
   * wait with them and run once all are answered (false).
   */
  public boolean runOthersWhileAwaitingApproval() {
    return runOthersWhileAwaitingApproval;
  }

  /** Names of the tools whose every call needs approval. */
  public Set<String> approvalRequired() {
    return approvalRequired;
  }

  /** Names of the tools that never run beside another call. */
  public Set<String> sequentialTools() {
    return sequentialTools;
  }

  /** The text of a rejected call's result; {@code {reason}} is replaced by the reason. */
  public String rejectionText() {
    return rejectionText;
  }

  /** The text of the result of a waiting call declined because the user went on. */
  public String notAnsweredText() {
    return notAnsweredText;
  }

  /** Arguments longer than this are not run; the model gets an error result. */
  public int maxArgumentsLength() {
    return maxArgumentsLength;
  }

  /** Outputs longer than this are cut to this length, with a note for the model. */
  public int maxOutputLength() {
    return maxOutputLength;
  }

  /**
   * Whether a round with a single call runs it on the caller's thread (true, the default: no thread
   * hand-off) rather than on the executor. Its timeout is then enforced by interrupting the caller's
   * thread, so a tool that ignores interrupts holds the loop until it returns; set false for such
   * tools, and they are abandoned at the timeout instead.
   */
  public boolean inlineSingleCalls() {
    return inlineSingleCalls;
  }

  /**
   * How long a run holds the claim of a call it runs (default {@link #callTimeout()} plus 30 s). When a
   * lease ends without a result, the holder is taken for dead and the call's outcome for unknown.
   * Longer than the call timeout.
   */
  public Duration claimLease() {
    return claimLease;
  }

  /**
   * How long a run waits for a call that another run holds (a double-clicked approval, a retry on
   * another instance) before it fails with {@link CallInProgressException} (default 10 s; zero: do
   * not wait).
   */
  public Duration claimWait() {
    return claimWait;
  }

  /** How long an approval request may be approved after the loop issued it (default 7 days). */
  public Duration approvalTtl() {
    return approvalTtl;
  }

  /** The text of the result of a call whose outcome is unknown; {@code {tool}} is the tool name. */
  public String outcomeUnknownText() {
    return outcomeUnknownText;
  }

  @Override
  public String toString() {
    return "LoopConfig[maxIterations=" + maxIterations + ", maxCallsPerRequest=" + maxCallsPerRequest
        + ", maxConcurrency=" + maxConcurrency + ", callTimeout=" + callTimeout + ", detailedErrors="
        + detailedErrors + ", maxConsecutiveErrors=" + maxConsecutiveErrors + ", unknownToolPolicy="
        + unknownToolPolicy + ", historyPolicy=" + historyPolicy + ", pendingPolicy=" + pendingPolicy
        + ", runOthersWhileAwaitingApproval=" + runOthersWhileAwaitingApproval + ", approvalRequired="
        + approvalRequired + ", sequentialTools=" + sequentialTools + ", inlineSingleCalls=" + inlineSingleCalls
        + ", claimLease=" + claimLease + ", claimWait=" + claimWait + ", approvalTtl=" + approvalTtl + "]";
  }

  /** Builds a {@link LoopConfig}; every setter checks its value at once. */
  public static final class Builder {
    private int maxIterations = 10;
    private int maxCallsPerRequest = 64;
    private int maxConcurrency = 4;
    private Duration callTimeout = Duration.ofSeconds(60);
    private boolean detailedErrors = false;
    private int maxConsecutiveErrors = 3;
    private UnknownToolPolicy unknownToolPolicy = UnknownToolPolicy.ERROR_RESULT;
    private HistoryPolicy historyPolicy = HistoryPolicy.REPAIR;
    private PendingPolicy pendingPolicy = PendingPolicy.DECLINE;
    private boolean runOthersWhileAwaitingApproval = true;
    private Set<String> approvalRequired = Set.of();
    private Set<String> sequentialTools = Set.of();
    private String rejectionText = DEFAULT_REJECTION_TEXT;
    private String notAnsweredText = DEFAULT_NOT_ANSWERED_TEXT;
    private int maxArgumentsLength = 1 << 20;
    private int maxOutputLength = 1 << 20;
    private boolean inlineSingleCalls = true;
    private @org.jspecify.annotations.Nullable Duration claimLease;
    private Duration claimWait = Duration.ofSeconds(10);
    private Duration approvalTtl = Duration.ofDays(7);
    private String outcomeUnknownText = DEFAULT_OUTCOME_UNKNOWN_TEXT;

    private Builder() {}

    private Builder(LoopConfig c) {
      maxIterations = c.maxIterations;
      maxCallsPerRequest = c.maxCallsPerRequest;
      maxConcurrency = c.maxConcurrency;
      callTimeout = c.callTimeout;
      detailedErrors = c.detailedErrors;
      maxConsecutiveErrors = c.maxConsecutiveErrors;
      unknownToolPolicy = c.unknownToolPolicy;
      historyPolicy = c.historyPolicy;
      pendingPolicy = c.pendingPolicy;
      runOthersWhileAwaitingApproval = c.runOthersWhileAwaitingApproval;
      approvalRequired = c.approvalRequired;
      sequentialTools = c.sequentialTools;
      rejectionText = c.rejectionText;
      notAnsweredText = c.notAnsweredText;
      maxArgumentsLength = c.maxArgumentsLength;
      maxOutputLength = c.maxOutputLength;
      inlineSingleCalls = c.inlineSingleCalls;
      claimLease = c.explicitClaimLease;
      claimWait = c.claimWait;
      approvalTtl = c.approvalTtl;
      outcomeUnknownText = c.outcomeUnknownText;
    }

    private static int atLeastOne(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, was " + value);
      }
      return value;
    }

    /** How many model requests one run may make (default 10, at least 1). */
    public Builder maxIterations(int value) {
      maxIterations = atLeastOne("maxIterations", value);
      return this;
    }

    /** How many tool calls one run may make in total (default 64, at least 1). */
    public Builder maxCallsPerRequest(int value) {
      maxCallsPerRequest = atLeastOne("maxCallsPerRequest", value);
      return this;
    }

    /** How many calls may run at the same time (default 4, at least 1; 1 = one after another). */
    public Builder maxConcurrency(int value) {
      maxConcurrency = atLeastOne("maxConcurrency", value);
      return this;
    }

    /** How long one call may run (default 60 s; positive). */
    public Builder callTimeout(Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("callTimeout must be a positive duration, was " + value);
      }
      callTimeout = value;
      return this;
    }

    /** Whether the model sees a failed tool's exception text (default false: a generic error). */
    public Builder detailedErrors(boolean value) {
      detailedErrors = value;
      return this;
    }

    /** Iterations in a row in which every call failed before the loop ends (default 3, at least 1). */
    public Builder maxConsecutiveErrors(int value) {
      maxConsecutiveErrors = atLeastOne("maxConsecutiveErrors", value);
      return this;
    }

    /** What happens to a call of an unknown tool (default {@link UnknownToolPolicy#ERROR_RESULT}). */
    public Builder unknownToolPolicy(UnknownToolPolicy value) {
      unknownToolPolicy = notNull("unknownToolPolicy", value);
      return this;
    }

    /** What happens to a broken history (default {@link HistoryPolicy#REPAIR}). */
    public Builder historyPolicy(HistoryPolicy value) {
      historyPolicy = notNull("historyPolicy", value);
      return this;
    }

    /** What a new user message does to waiting calls (default {@link PendingPolicy#DECLINE}). */
    public Builder pendingPolicy(PendingPolicy value) {
      pendingPolicy = notNull("pendingPolicy", value);
      return this;
    }

    /** Whether calls needing no approval run while others wait (default true). */
    public Builder runOthersWhileAwaitingApproval(boolean value) {
      runOthersWhileAwaitingApproval = value;
      return this;
    }

    /** Tools whose every call needs approval. */
    public Builder approvalRequired(Set<String> toolNames) {
      approvalRequired = names("approvalRequired", toolNames);
      return this;
    }

    /** Tools that never run beside another call. */
    public Builder sequentialTools(Set<String> toolNames) {
      sequentialTools = names("sequentialTools", toolNames);
      return this;
    }

    /** The text of a rejected call's result; may use {@code {reason}}. */
    public Builder rejectionText(String value) {
      rejectionText = text("rejectionText", value);
      return this;
    }

    /** The text of a waiting call's result when the user went on without answering it. */
    public Builder notAnsweredText(String value) {
      notAnsweredText = text("notAnsweredText", value);
      return this;
    }

    /** Longest arguments a call may have, in characters (default 1 MiB, at least 1). */
    public Builder maxArgumentsLength(int value) {
      maxArgumentsLength = atLeastOne("maxArgumentsLength", value);
      return this;
    }

    /** Longest output kept from a tool, in characters (default 1 MiB, at least 1). */
    public Builder maxOutputLength(int value) {
      maxOutputLength = atLeastOne("maxOutputLength", value);
      return this;
    }

    /** Whether a single call runs on the caller's thread (default true); see {@link #inlineSingleCalls()}. */
    public Builder inlineSingleCalls(boolean value) {
      inlineSingleCalls = value;
      return this;
    }

    /** How long a run holds the claim of a call it runs (default call timeout + 30 s; longer than the call timeout). */
    public Builder claimLease(Duration value) {
      claimLease = positive("claimLease", value);
      return this;
    }

    /** How long a run waits for a call another run holds (default 10 s; zero or more). */
    public Builder claimWait(Duration value) {
      if (value == null || value.isNegative()) {
        throw new IllegalArgumentException("claimWait must be zero or a positive duration, was " + value);
      }
      claimWait = value;
      return this;
    }

    /** How long an approval request may be approved (default 7 days; positive). */
    public Builder approvalTtl(Duration value) {
      approvalTtl = positive("approvalTtl", value);
      return this;
    }

    /** The text of the result of a call whose outcome is unknown; may use {@code {tool}}. */
    public Builder outcomeUnknownText(String value) {
      outcomeUnknownText = text("outcomeUnknownText", value);
      return this;
    }

    private static Duration positive(String name, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be a positive duration, was " + value);
      }
      return value;
    }

    /**
     * The config.
     *
     * @throws IllegalArgumentException if {@code claimLease} is not longer than {@code callTimeout}
     */
    public LoopConfig build() {
      return new LoopConfig(this);
    }

    private static <T> T notNull(String name, T value) {
      if (value == null) {
        throw new IllegalArgumentException(name + " must not be null");
      }
      return value;
    }

    private static String text(String name, String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank: the model reads it");
      }
      return value;
    }

    private static Set<String> names(String name, Set<String> values) {
      if (values == null) {
        throw new IllegalArgumentException(name + " must not be null; pass Set.of() for none");
      }
      for (String v : values) {
        if (v == null || v.isBlank()) {
          throw new IllegalArgumentException(name + " holds a blank tool name");
        }
      }
      return Set.copyOf(values);
    }
  }
}
