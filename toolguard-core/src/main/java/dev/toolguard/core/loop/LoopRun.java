package dev.toolguard.core.loop;

import dev.toolguard.core.Dialect;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * One run of a {@link FunctionInvokingLoop} as its {@link LoopListener} sees it: which conversation,
 * which dialect, and a place where listeners keep what they need for the length of the run (an open
 * trace span, a timer). The loop makes one per {@code run}/{@code stream} call and hands the same
 * instance to every event of that run, on the loop's thread and on the tool threads alike.
 */
public final class LoopRun {

  private final String runId;
  private final @Nullable String conversationKey;
  private final @Nullable Dialect dialect;
  private final boolean streaming;
  private final ConcurrentMap<Object, Object> attributes = new ConcurrentHashMap<>();

  /**
   * A run; the loop makes these, tests of a listener may too.
   *
   * @param runId an id unique to this run (random)
   * @param conversationKey the conversation key the run was given, or null
   * @param dialect the dialect the loop checks and repairs histories for, or null (dialect-neutral)
   * @param streaming whether the run streams the model's answers
   */
  public LoopRun(String runId, @Nullable String conversationKey, @Nullable Dialect dialect, boolean streaming) {
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("runId must not be " + (runId == null ? "null" : "blank"));
    }
    this.runId = runId;
    this.conversationKey = conversationKey;
    this.dialect = dialect;
    this.streaming = streaming;
  }

  /** An id unique to this run. */
  public String runId() {
    return runId;
  }

  /** The conversation key the run was given ({@link FunctionInvokingLoop#run(String, java.util.List)}), or null. */
  public @Nullable String conversationKey() {
    return conversationKey;
  }

  /** The dialect the loop checks and repairs histories for, or null when it is dialect-neutral. */
  public @Nullable Dialect dialect() {
    return dialect;
  }

  /** Whether the run streams the model's answers. */
  public boolean streaming() {
    return streaming;
  }

  /**
   * The listeners' state for this run: safe for use from several threads, gone with the run. A listener
   * keys its entries with an object of its own so that two listeners never meet.
   */
  public ConcurrentMap<Object, Object> attributes() {
    return attributes;
  }

  /** The run id, conversation key and dialect (the key is the application's id, never message text). */
  @Override
  public String toString() {
    return "LoopRun[" + runId + ", conversation=" + Objects.requireNonNullElse(conversationKey, "(none)")
        + ", dialect=" + (dialect == null ? "(neutral)" : dialect.id()) + (streaming ? ", streaming" : "") + "]";
  }
}
