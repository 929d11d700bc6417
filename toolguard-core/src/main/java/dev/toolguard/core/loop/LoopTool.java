package dev.toolguard.core.loop;

import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.ToolCall;

/**
 * A tool the loop can run: its spec and how to invoke it.
 *
 * <p>{@link #invoke} may block; the loop runs it on its executor under the call timeout and
 * interrupts it on timeout or cancellation. What it throws becomes an error result for the model.
 */
public interface LoopTool {

  /** The tool's spec. */
  ToolSpec spec();

  /**
   * Runs the tool for {@code call} and returns its output (usually JSON or plain text).
   *
   * @param call the call, with {@link ToolCall#argumentsJson()} already checked to be a JSON object
   * @throws Exception any failure; the model gets an error result
   */
  String invoke(ToolCall call) throws Exception;

  /**
   * Whether this tool's result goes straight back to the caller instead of to the model (Spring
   * AI's {@code returnDirect}, LangChain4j's immediate return). Default false.
   *
   * <p>When every call of a model turn ran a tool that returns directly, the loop stores the turn
   * (the calls and their results, so the history stays valid) and ends with {@link
   * LoopResult.Status#RETURNED_DIRECT} without asking the model again; {@link
   * LoopResult#directResults()} holds the results. A turn with any other call — a tool that does not
   * return directly, a call that waits, a call refused before it ran (unknown tool, bad arguments,
   * a limit) — goes back to the model as usual, with every result. A tool that fails still ran: its
   * error result is returned directly.
   */
  default boolean returnDirect() {
    return false;
  }

  /**
   * Whether running this tool twice for one call does no harm (a read, a lookup, an upsert by key).
   * Default false.
   *
   * <p>It matters when an instance died while it ran a resumed call: once the claim's lease has
   * ended the call's outcome is unknown. An idempotent tool is then run again; any other gets a
   * result saying that it may or may not have run, so that the model (and the user) can check
   * before calling it again.
   */
  default boolean idempotent() {
    return false;
  }

  /** This tool, returning its results directly to the caller (see {@link #returnDirect()}). */
  default LoopTool returningDirect() {
    return returnDirect() ? this : new dev.toolguard.core.internal.FlaggedTool(this, true, idempotent());
  }

  /** This tool, declared {@link #idempotent()}: safe to run again when a run died mid-call. */
  default LoopTool asIdempotent() {
    return idempotent() ? this : new dev.toolguard.core.internal.FlaggedTool(this, returnDirect(), true);
  }

  /** A tool from a spec and a function of the arguments JSON. */
  static LoopTool of(ToolSpec spec, Function function) {
    if (spec == null) {
      throw new InvalidMessageException("LoopTool.of: spec is null");
    }
    if (function == null) {
      throw new InvalidMessageException("LoopTool.of(" + spec.name() + "): function is null");
    }
    return new LoopTool() {
      @Override
      public ToolSpec spec() {
        return spec;
      }

      @Override
      public String invoke(ToolCall call) throws Exception {
        return function.apply(call.argumentsJson());
      }

      @Override
      public String toString() {
        return "LoopTool[" + spec.name() + "]";
      }
    };
  }

  /** The body of a tool: arguments JSON in, output out. */
  @FunctionalInterface
  interface Function {
    /** Runs the tool. */
    String apply(String argumentsJson) throws Exception;
  }
}
