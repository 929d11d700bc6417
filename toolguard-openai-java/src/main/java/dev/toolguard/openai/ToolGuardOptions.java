package dev.toolguard.openai;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.loop.LoopConfig.HistoryPolicy;
import java.util.function.Consumer;

/**
 * How a client decorated by {@link OpenAiToolGuard#wrap(com.openai.client.OpenAIClient, ToolGuardOptions)}
 * treats the requests it sends. Immutable; build one with {@link #builder()} or take {@link
 * #ofDefaults()}.
 */
public final class ToolGuardOptions {

  private static final ToolGuardOptions DEFAULTS = builder().build();

  private final HistoryGuard historyGuard;
  private final HistoryPolicy historyPolicy;
  private final int rememberedResponses;
  private final Consumer<RepairResult> onRepair;

  private ToolGuardOptions(Builder b) {
    this.historyGuard = b.historyGuard;
    this.historyPolicy = b.historyPolicy;
    this.rememberedResponses = b.rememberedResponses;
    this.onRepair = b.onRepair;
  }

  /** The defaults: repair with {@link HistoryGuard#ofDefaults()}, remember 1,000 responses, no listener. */
  public static ToolGuardOptions ofDefaults() {
    return DEFAULTS;
  }

  /** A builder that starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The guard that checks and repairs each request's history. */
  public HistoryGuard historyGuard() {
    return historyGuard;
  }

  /** Whether a broken history is repaired (default) or rejected with an {@code InvalidHistoryException}. */
  public HistoryPolicy historyPolicy() {
    return historyPolicy;
  }

  /**
   * How many Responses the client remembers the open calls of, so that outputs answering them with
   * {@code previous_response_id} or a {@code conversation} are known to be valid.
   */
  public int rememberedResponses() {
    return rememberedResponses;
  }

  /** Called with every repair that changed a request, on the thread that sends it. */
  public Consumer<RepairResult> onRepair() {
    return onRepair;
  }

  @Override
  public String toString() {
    return "ToolGuardOptions[historyPolicy=" + historyPolicy + ", rememberedResponses=" + rememberedResponses
        + ", " + historyGuard.policy() + "]";
  }

  /** Builds {@link ToolGuardOptions}; each setter checks its value at once. */
  public static final class Builder {
    private HistoryGuard historyGuard = HistoryGuard.ofDefaults();
    private HistoryPolicy historyPolicy = HistoryPolicy.REPAIR;
    private int rememberedResponses = 1_000;
    private Consumer<RepairResult> onRepair = r -> {};

    private Builder() {}

    /** The guard that checks and repairs (default {@link HistoryGuard#ofDefaults()}). */
    public Builder historyGuard(HistoryGuard historyGuard) {
      if (historyGuard == null) {
        throw new IllegalArgumentException("historyGuard must not be null; use HistoryGuard.ofDefaults()");
      }
      this.historyGuard = historyGuard;
      return this;
    }

    /** {@link HistoryPolicy#REPAIR} (default) or {@link HistoryPolicy#REJECT}. */
    public Builder historyPolicy(HistoryPolicy historyPolicy) {
      if (historyPolicy == null) {
        throw new IllegalArgumentException("historyPolicy must not be null; use REPAIR or REJECT");
      }
      this.historyPolicy = historyPolicy;
      return this;
    }

    /**
     * How many Responses to remember the open calls of (default 1,000; at least 1).
     *
     * @throws IllegalArgumentException if {@code count} is less than 1
     */
    public Builder rememberedResponses(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("rememberedResponses must be at least 1, got " + count);
      }
      this.rememberedResponses = count;
      return this;
    }

    /** Called with every repair that changed a request (default: nothing; repairs are logged at WARN). */
    public Builder onRepair(Consumer<RepairResult> listener) {
      if (listener == null) {
        throw new IllegalArgumentException("onRepair listener must not be null");
      }
      this.onRepair = listener;
      return this;
    }

    /** The options. */
    public ToolGuardOptions build() {
      return new ToolGuardOptions(this);
    }
  }
}
