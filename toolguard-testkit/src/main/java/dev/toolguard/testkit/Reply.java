package dev.toolguard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.internal.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the scripted model answers, independent of the dialect: some text, tool calls, or both.
 *
 * <p>The referee renders a reply in the shape of the endpoint that was asked: a Chat Completions
 * {@code message} with {@code tool_calls}, Responses {@code message} and {@code function_call} output
 * items, Anthropic {@code text} and {@code tool_use} blocks, Gemini {@code text} and {@code functionCall}
 * parts, Bedrock {@code text} and {@code toolUse} blocks, a Mistral {@code message}, or an Ollama {@code
 * message} with id-less {@code tool_calls}. Text comes first, then the calls in order. Call ids are
 * generated per dialect from a counter ({@code call_1}, {@code toolu_2}, {@code tooluse_3}, Mistral's
 * {@code call00004}, …; none for Gemini and Ollama) unless a call carries its own id ({@link
 * Call#withId(String)}).
 *
 * @param text the text of the answer, or null for calls only
 * @param calls the tool calls, in order (parallel calls when more than one)
 * @param reasoning a reasoning summary; rendered only by the Responses endpoint, as a {@code
 *     reasoning} item before the others (ignored by the other endpoints); null for none
 */
public record Reply(@Nullable String text, List<Call> calls, @Nullable String reasoning) {

  /** Validates and copies the components: a reply has text or at least one call. */
  public Reply {
    calls = List.copyOf(Objects.requireNonNull(calls, "calls"));
    if (text == null && calls.isEmpty()) {
      throw new IllegalArgumentException("a Reply needs text or at least one tool call");
    }
  }

  /** A text-only answer. */
  public static Reply text(String text) {
    return new Reply(Objects.requireNonNull(text, "text"), List.of(), null);
  }

  /** One tool call; {@code argumentsJson} must be a JSON object, e.g. {@code {"city":"Paris"}}. */
  public static Reply toolCall(String name, String argumentsJson) {
    return new Reply(null, List.of(call(name, argumentsJson)), null);
  }

  /** Parallel tool calls in one answer. */
  public static Reply toolCalls(Call... calls) {
    if (calls.length == 0) {
      throw new IllegalArgumentException("toolCalls needs at least one call");
    }
    return new Reply(null, Arrays.asList(calls), null);
  }

  /** Text followed by tool calls in one answer (e.g. "Let me look that up." and a call). */
  public static Reply textAndToolCalls(String text, Call... calls) {
    return new Reply(Objects.requireNonNull(text, "text"), Arrays.asList(calls), null);
  }

  /** A call to put in {@link #toolCalls(Call...)} or {@link #textAndToolCalls(String, Call...)}. */
  public static Call call(String name, String argumentsJson) {
    return new Call(name, argumentsJson, null);
  }

  /** This reply with one more call appended. */
  public Reply withCall(Call call) {
    List<Call> more = new ArrayList<>(calls);
    more.add(call);
    return new Reply(text, more, reasoning);
  }

  /** This reply preceded by a reasoning item (Responses endpoint only) with this summary text. */
  public Reply withReasoning(String summary) {
    return new Reply(text, calls, Objects.requireNonNull(summary, "summary"));
  }

  /** True when the reply asks for at least one tool call. */
  public boolean hasCalls() {
    return !calls.isEmpty();
  }

  /**
   * A tool call of a reply.
   *
   * @param name the tool's name, non-empty
   * @param argumentsJson the arguments, a JSON object as text; sent verbatim where the dialect takes a
   *     string, parsed where it takes an object (Anthropic {@code input})
   * @param id the call id to use instead of a generated one, or null to generate
   */
  public record Call(String name, String argumentsJson, @Nullable String id) {

    /** Validates the components: a non-empty name and arguments that are a JSON object. */
    public Call {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(argumentsJson, "argumentsJson");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("a tool call needs a non-empty name");
      }
      JsonNode parsed = Json.parseOrNull(argumentsJson);
      if (parsed == null || !parsed.isObject()) {
        throw new IllegalArgumentException(
            "the arguments of tool call '" + name + "' must be a JSON object, got: " + argumentsJson);
      }
    }

    /** This call with a fixed id (e.g. to script a model that reuses or mangles ids). */
    public Call withId(String fixedId) {
      return new Call(name, argumentsJson, Objects.requireNonNull(fixedId, "fixedId"));
    }
  }
}
