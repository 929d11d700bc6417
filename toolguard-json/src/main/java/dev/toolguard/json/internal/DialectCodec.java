package dev.toolguard.json.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.json.WireCodec;
import dev.toolguard.json.WireFormatException;
import dev.toolguard.json.WireRequest;

/** The common part of the three codecs: parsing, the dialect check, and writing with positions. */
public abstract class DialectCodec implements WireCodec {

  DialectCodec() {}

  @Override
  public final WireRequest read(String body) {
    return read(Json.parse(body));
  }

  @Override
  public final WireRequest read(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new WireFormatException(
          "the body is " + Json.describe(body) + "; a request body of " + dialect().id() + " is a JSON object",
          "(body)");
    }
    return decode((ObjectNode) body);
  }

  @Override
  public final ObjectNode writeTree(WireRequest request) {
    return encode(request).body();
  }

  @Override
  public final String write(WireRequest request) {
    return Json.write(writeTree(request));
  }

  /**
   * Writes {@code request} and records where each message and content went.
   *
   * @throws WireFormatException as {@link #write(WireRequest)}
   */
  public final Encoded encode(WireRequest request) {
    if (request == null) {
      throw new IllegalArgumentException("request is null");
    }
    if (request.dialect() != dialect()) {
      throw new WireFormatException(
          "the request is of dialect " + request.dialect().id() + "; this codec writes " + dialect().id()
              + ": use WireCodec.of(request.dialect())", "(request)");
    }
    return encodeChecked(request);
  }

  abstract WireRequest decode(ObjectNode body);

  /**
   * The {@code messages} array of a Chat Completions or Messages body, or a clear error that names
   * {@code api} and points at a Responses body by mistake.
   */
  static JsonNode requireMessages(ObjectNode body, String api) {
    JsonNode messages = body.get("messages");
    if (messages == null || messages.isNull()) {
      throw new WireFormatException("the body has no messages array"
          + (body.has("input") ? "; it has input: is it an OpenAI Responses body (--dialect openai-responses)?"
              : "; an " + api + " request holds its conversation in messages"), "messages");
    }
    if (!messages.isArray()) {
      throw new WireFormatException(Json.describe(messages) + " where the array of messages is expected", "messages");
    }
    return messages;
  }

  /** A copy of {@code body} whose {@code field} is an empty array: the place the history goes back to. */
  static ObjectNode envelopeOf(ObjectNode body, String field) {
    ObjectNode envelope = body.deepCopy();
    envelope.set(field, Json.array());
    return envelope;
  }

  abstract Encoded encodeChecked(WireRequest request);

  /** The name of the body field that holds the history: {@code messages} or {@code input}. */
  public abstract String historyField();

  @Override
  public String toString() {
    return "WireCodec[" + dialect().id() + "]";
  }
}
