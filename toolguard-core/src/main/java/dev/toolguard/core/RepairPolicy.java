package dev.toolguard.core;

import java.util.Objects;

/**
 * How {@link HistoryGuard#repair} fixes what it finds. Immutable; build one with {@link #builder()}
 * or take {@link #ofDefaults()}.
 */
public final class RepairPolicy {

  /** The default text of a result synthesized for a call whose result is lost. */
  public static final String DEFAULT_MISSING_RESULT_TEXT =
      "Tool call {callId} ({name}) did not complete: its result was lost before it was recorded."
          + " Do not assume that it ran.";

  /**
   * The default text of the user turn that repair puts first when a cut history starts with the
   * assistant, for a dialect that needs the user's turn first (Anthropic).
   */
  public static final String DEFAULT_CUT_HISTORY_TEXT = "[earlier messages were cut]";

  private static final RepairPolicy DEFAULTS = builder().build();

  private final String missingResultText;
  private final String cutHistoryText;
  private final boolean rebind;

  private RepairPolicy(Builder builder) {
    this.missingResultText = builder.missingResultText;
    this.cutHistoryText = builder.cutHistoryText;
    this.rebind = builder.rebind;
  }

  /**
   * The default policy: rebind when unambiguous, {@link #DEFAULT_MISSING_RESULT_TEXT}, {@link
   * #DEFAULT_CUT_HISTORY_TEXT}.
   */
  public static RepairPolicy ofDefaults() {
    return DEFAULTS;
  }

  /** A builder that starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The text of a synthesized error result; {@code {callId}} and {@code {name}} are replaced by the
   * call's id and tool name.
   */
  public String missingResultText() {
    return missingResultText;
  }

  /**
   * The text of the user turn put first in a history that starts with the assistant, for a dialect
   * whose first turn must be the user's (see {@link HistoryGuard#repair(java.util.List, Dialect)}).
   */
  public String cutHistoryText() {
    return cutHistoryText;
  }

  /** Whether a result whose id matches no call may be bound to the one call it can belong to. */
  public boolean rebind() {
    return rebind;
  }

  /** The text of the result synthesized for {@code call}. */
  public String missingResultText(ToolCall call) {
    return missingResultText.replace("{callId}", call.callId()).replace("{name}", call.name());
  }

  /** Builds a {@link RepairPolicy}; each setter checks its value at once. */
  public static final class Builder {
    private String missingResultText = DEFAULT_MISSING_RESULT_TEXT;
    private String cutHistoryText = DEFAULT_CUT_HISTORY_TEXT;
    private boolean rebind = true;

    private Builder() {}

    /**
     * The text of a result synthesized for a call that has none; may use {@code {callId}} and
     * {@code {name}}.
     *
     * @throws IllegalArgumentException if the text is blank
     */
    public Builder missingResultText(String text) {
      if (text == null || text.isBlank()) {
        throw new IllegalArgumentException("missingResultText must not be blank: the model has to read why the call has no result");
      }
      this.missingResultText = text;
      return this;
    }

    /**
     * The text of the user turn put first in a cut history that starts with the assistant (Anthropic
     * needs the user's turn first).
     *
     * @throws IllegalArgumentException if the text is blank (Anthropic refuses an empty text)
     */
    public Builder cutHistoryText(String text) {
      if (text == null || text.isBlank()) {
        throw new IllegalArgumentException("cutHistoryText must not be blank: Anthropic refuses an empty text block");
      }
      this.cutHistoryText = text;
      return this;
    }

    /** Whether to rebind a result with an unknown id to the single call it can belong to (default true). */
    public Builder rebind(boolean rebind) {
      this.rebind = rebind;
      return this;
    }

    /** The policy. */
    public RepairPolicy build() {
      return new RepairPolicy(this);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RepairPolicy p && p.rebind == rebind && p.missingResultText.equals(missingResultText)
        && p.cutHistoryText.equals(cutHistoryText);
  }

  @Override
  public int hashCode() {
    return Objects.hash(missingResultText, cutHistoryText, rebind);
  }

  @Override
  public String toString() {
    return "RepairPolicy[rebind=" + rebind + ", missingResultText=" + missingResultText + ", cutHistoryText="
        + cutHistoryText + "]";
  }
}
