package dev.toolguard.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.json.internal.Codecs;

/**
 * Reads and writes whole request bodies of one dialect, keeping every field it does not model:
 * reading a body and writing the request back gives the same JSON value.
 *
 * <p>Writing leaves out what a provider must never see: approval requests and responses and
 * informational tool calls (and a message that holds nothing else). Metadata other than the
 * {@link WireMetadata} keys is not written.
 *
 * <p>Instances are immutable and thread-safe. This interface is not meant to be implemented outside
 * toolguard.
 */
public interface WireCodec {

  /**
   * The codec of {@code dialect}.
   *
   * @throws IllegalArgumentException if {@code dialect} is null or has no codec (see {@link #supported()});
   *     the message names the dialect and the dialects that have one
   */
  static WireCodec of(Dialect dialect) {
    if (dialect == null) {
      throw new IllegalArgumentException("dialect is null; give one of " + supported());
    }
    return Codecs.of(dialect);
  }

  /** The dialects that have a codec (and a {@code --dialect} on the command line). */
  static java.util.Set<Dialect> supported() {
    return Codecs.SUPPORTED;
  }

  /** The codec of OpenAI Chat Completions request bodies. */
  static WireCodec openAiChat() {
    return of(Dialect.OPENAI_CHAT);
  }

  /** The codec of OpenAI Responses request bodies. */
  static WireCodec openAiResponses() {
    return of(Dialect.OPENAI_RESPONSES);
  }

  /** The codec of Anthropic Messages request bodies. */
  static WireCodec anthropic() {
    return of(Dialect.ANTHROPIC);
  }

  /** The dialect this codec reads and writes. */
  Dialect dialect();

  /**
   * Reads a request body.
   *
   * @throws WireFormatException if {@code body} is not JSON or not a request body of this dialect
   */
  WireRequest read(String body);

  /**
   * Reads a request body already parsed.
   *
   * @throws WireFormatException if {@code body} is not a request body of this dialect
   */
  WireRequest read(JsonNode body);

  /**
   * Writes {@code request} as compact JSON.
   *
   * @throws WireFormatException if the request is of another dialect or holds something this
   *     dialect cannot carry (a system message in an Anthropic history, arguments that are not a JSON
   *     object for an Anthropic {@code tool_use}, …)
   */
  String write(WireRequest request);

  /**
   * Writes {@code request} as a JSON tree.
   *
   * @throws WireFormatException as {@link #write(WireRequest)}
   */
  ObjectNode writeTree(WireRequest request);
}
