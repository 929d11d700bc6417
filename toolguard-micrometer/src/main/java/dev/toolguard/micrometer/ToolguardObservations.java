package dev.toolguard.micrometer;

import dev.toolguard.core.loop.LoopListener;
import dev.toolguard.micrometer.internal.ObservingListener;
import dev.toolguard.micrometer.internal.MeterTally;
import io.micrometer.observation.ObservationRegistry;

/**
 * Micrometer for toolguard: {@link #of(ObservationRegistry)} is a {@link LoopListener} that makes an
 * {@code Observation} of every loop run, model request, tool call, repair action, violation and approval
 * decision; give it to the loop ({@code FunctionInvokingLoop.builder(..).listener(..)}, or any adapter's
 * builder). With Micrometer's default handlers each observation becomes a timer (and a span with
 * tracing). {@link #of(ObservationRegistry, io.micrometer.core.instrument.MeterRegistry)} adds the
 * counters {@value #REPAIRS} by {@value #REPAIR_ACTION} and {@value #VIOLATIONS} by {@value
 * #VIOLATION_CODE}.
 *
 * <p>Names follow the OpenTelemetry GenAI semantic conventions where there is one ({@value
 * #OPERATION_NAME}, {@value #TOOL_NAME}, {@value #TOOL_CALL_ID}, {@value #CONVERSATION_ID}); toolguard's
 * own are under {@code toolguard.}. Low-cardinality tags (dialect, tool, status, repair action,
 * violation code, approval outcome) go on metrics; the conversation and call ids are high-cardinality
 * values (traces only). Never a tool's arguments or output, nor message text.
 */
public final class ToolguardObservations {

  /** A run of the loop: one {@code run} or {@code stream} call. */
  public static final String RUN = "toolguard.run";
  /** One request to the model within a run. */
  public static final String MODEL_REQUEST = "toolguard.model.request";
  /** One tool call the loop runs. */
  public static final String TOOL_CALL = "toolguard.tool.call";
  /** One change the repair of a broken history made. */
  public static final String REPAIR = "toolguard.repair";
  /** One way in which a history handed to the loop broke the invariant. */
  public static final String VIOLATION = "toolguard.violation";
  /** One approval: asked for, or decided when the run resumed the call. */
  public static final String APPROVAL = "toolguard.approval";

  /** The counter of repair actions, tagged with {@value #REPAIR_ACTION}. */
  public static final String REPAIRS = "toolguard.repairs";
  /** The counter of violations, tagged with {@value #VIOLATION_CODE}. */
  public static final String VIOLATIONS = "toolguard.violations";

  /** OpenTelemetry GenAI: the operation ({@code chat} for a model request, {@code execute_tool} for a tool call). */
  public static final String OPERATION_NAME = "gen_ai.operation.name";
  /** OpenTelemetry GenAI: the tool's name. */
  public static final String TOOL_NAME = "gen_ai.tool.name";
  /** OpenTelemetry GenAI: the call id (high cardinality). */
  public static final String TOOL_CALL_ID = "gen_ai.tool.call.id";
  /** OpenTelemetry GenAI: the conversation id, the run's conversation key (high cardinality). */
  public static final String CONVERSATION_ID = "gen_ai.conversation.id";
  /** The loop's dialect: {@code openai-chat}, {@code openai-responses}, {@code anthropic}, or {@code none}. */
  public static final String DIALECT = "toolguard.dialect";
  /**
   * How it ended: a run's {@code LoopResult.Status} in lower case ({@code completed}, {@code awaiting}, ...)
   * or {@code error}; a model request's {@code ok} or {@code error}; a tool call's {@code ok} or {@code
   * error} (a failed, timed-out or refused call).
   */
  public static final String STATUS = "toolguard.status";
  /** The kind of repair action, lower case ({@code move}, {@code rebind}, {@code synthesize}, ...). */
  public static final String REPAIR_ACTION = "toolguard.repair.action";
  /** The violation code ({@code MISSING_RESULT}, {@code ORPHAN_RESULT}, ...). */
  public static final String VIOLATION_CODE = "toolguard.violation.code";
  /**
   * An approval's outcome: {@code requested}, or how it was decided ({@code approved}, {@code
   * approved_edited}, {@code rejected}, {@code responded}, {@code result_given}, {@code not_answered}).
   */
  public static final String APPROVAL_OUTCOME = "toolguard.approval.outcome";
  /** A run's model requests (high cardinality: a number). */
  public static final String ITERATIONS = "toolguard.iterations";

  /** The value of {@value #OPERATION_NAME} of a tool call. */
  public static final String EXECUTE_TOOL = "execute_tool";
  /** The value of {@value #OPERATION_NAME} of a model request. */
  public static final String CHAT = "chat";

  private ToolguardObservations() {}

  /**
   * The listener that observes into {@code registry} (Micrometer's {@code ObservationRegistry.NOOP}
   * makes it do nothing).
   *
   * @throws IllegalArgumentException if {@code registry} is null
   */
  public static LoopListener of(ObservationRegistry registry) {
    if (registry == null) {
      throw new IllegalArgumentException("registry must not be null; pass ObservationRegistry.NOOP to observe nothing");
    }
    return new ObservingListener(registry, null);
  }

  /**
   * The listener that observes into {@code registry} and counts repairs by action and violations by
   * code in {@code meters} (needs micrometer-core).
   *
   * @throws IllegalArgumentException if either is null
   */
  public static LoopListener of(ObservationRegistry registry, io.micrometer.core.instrument.MeterRegistry meters) {
    if (registry == null) {
      throw new IllegalArgumentException("registry must not be null; pass ObservationRegistry.NOOP to observe nothing");
    }
    if (meters == null) {
      throw new IllegalArgumentException("meters must not be null; use of(registry) for observations only");
    }
    return new ObservingListener(registry, new MeterTally(meters));
  }
}
