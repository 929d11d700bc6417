package dev.toolguard.json.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Content;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolResult;
import dev.toolguard.json.WireCodec;
import dev.toolguard.json.WireFormatException;
import dev.toolguard.json.WireMetadata;
import dev.toolguard.json.WireRequest;
import java.util.List;
import java.util.Map;

/** The common part of the three codecs: parsing, the dialect check, and writing with positions. */
public abstract class DialectCodec implements WireCodec {

  private final Dialect dialect;
  private final String historyField;

  DialectCodec(Dialect dialect, String historyField) {
    this.dialect = dialect;
    this.historyField = historyField;
  }

  @Override
  public final Dialect dialect() {
    return dialect;
  }

  /** The name of the body field that holds the history: {@code messages} or {@code input}. */
  public final String historyField() {
    return historyField;
  }

  @Override
  public final WireRequest read(String body) {
    // the parsed tree is the codec's own: the reader makes its nodes the templates, without copies
    return decode(requireObject(Json.parse(body)));
  }

  @Override
  public final WireRequest read(JsonNode body) {
    // the caller's tree stays the caller's: the reader works on a copy
    return decode(requireObject(body).deepCopy());
  }

  private ObjectNode requireObject(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new WireFormatException(
          "the body is " + Json.describe(body) + "; a request body of " + dialect().id() + " is a JSON object",
          "(body)");
    }
    return (ObjectNode) body;
  }

  @Override
  public final ObjectNode writeTree(WireRequest request) {
    return encode(request).body();
  }

  @Override
  public final String write(WireRequest request) {
    check(request);
    // the tree is serialized and dropped: it may share nodes with the templates, and no positions are recorded
    return Json.write(encodeChecked(request, true).body());
  }

  /**
   * Writes {@code request} and records where each message and content went.
   *
   * @throws WireFormatException as {@link #write(WireRequest)}
   */
  public final Encoded encode(WireRequest request) {
    check(request);
    return encodeChecked(request, false);
  }

  private void check(WireRequest request) {
    if (request == null) {
      throw new IllegalArgumentException("request is null");
    }
    if (request.dialect() != dialect()) {
      throw new WireFormatException(
          "the request is of dialect " + request.dialect().id() + "; this codec writes " + dialect().id()
              + ": use WireCodec.of(request.dialect())", "(request)");
    }
  }

  /**
   * Reads a body whose tree the codec owns: the reader makes its nodes the templates instead of
   * copying them.
   */
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

  /**
   * Adds the user message {@code template} was read as to {@code history}: one USER or TOOL message for
   * each run of its {@code blocks} (tool results make TOOL messages, anything else USER messages), the
   * first carrying the template, every later one marked {@link WireMetadata#JOINED} so that it is
   * written back into the same wire message; one empty USER message for a message without blocks.
   */
  static void addUserRuns(ObjectNode template, List<Content> blocks, List<Message> history) {
    if (blocks.isEmpty()) {
      history.add(new Message(Role.USER, List.of(), Map.of(WireMetadata.NODE, template)));
      return;
    }
    int start = 0;
    while (start < blocks.size()) {
      boolean results = blocks.get(start) instanceof ToolResult;
      int end = start;
      while (end < blocks.size() && (blocks.get(end) instanceof ToolResult) == results) {
        end++;
      }
      Map<String, Object> meta = start == 0 ? Map.of(WireMetadata.NODE, template) : Map.of(WireMetadata.JOINED, true);
      history.add(new Message(results ? Role.TOOL : Role.USER,
          start == 0 && end == blocks.size() ? blocks : blocks.subList(start, end), meta));
      start = end;
    }
  }

  /**
   * {@code body} with its {@code field} replaced by an empty array: the place the history goes back
   * to. It shares the other values with {@code body} ({@link WireRequest} copies its envelope).
   */
  static ObjectNode envelopeOf(ObjectNode body, String field) {
    ObjectNode envelope = Json.copy(body, true);
    envelope.set(field, Json.array());
    return envelope;
  }

  /**
   * The text of the tool output in {@code field} of {@code node}, which stays the result's template:
   * empty for a missing or null field; a string, blanked in place; or the texts of an array of parts
   * of {@code textTypes}, joined, the array kept (each part must be an object, named {@code part} in
   * the error).
   *
   * @param expected what the error says is expected, such as {@code the tool output is expected: a
   *     string or an array of text parts}
   */
  static String readOutput(ObjectNode node, String field, Object path, String part, String expected,
      String... textTypes) {
    JsonNode output = node.get(field);
    if (output == null || output.isNull()) {
      return "";
    } else if (output.isTextual()) {
      return output.asText(); // the template keeps it as read: the record's very string
    } else if (output.isArray()) {
      String parts = "." + field;
      for (int k = 0; k < output.size(); k++) {
        Json.object(output.get(k), Path.of(path, parts, k), part);
      }
      return Json.joinTexts((ArrayNode) output, textTypes);
    }
    throw new WireFormatException(Json.describe(output) + " where " + expected, path + "." + field);
  }

  /**
   * Writes {@code request}. With {@code forText}, the body is only serialized: it may share nodes
   * with the history's templates and payloads, and the positions are not recorded; otherwise it is
   * the caller's own tree and every position is recorded.
   */
  abstract Encoded encodeChecked(WireRequest request, boolean forText);

  /**
   * Writes {@code request}: with {@code share}, a tree that may share nodes with the history's
   * templates and payloads (to be serialized only, never read or changed); with {@code track}, recording
   * where each message and content went. A codec that cannot share and track at once writes a tree
   * of the caller's own with positions (this default).
   */
  Encoded encodeChecked(WireRequest request, boolean share, boolean track) {
    return encodeChecked(request, share && !track);
  }

  /**
   * Writes {@code request} into a tree that shares nodes with the history's templates, recording
   * where each message and content went: the positions of a body without the copies that a tree of
   * the caller's own takes. The tree is for serializing only: an edited item is an overlay on its
   * template ({@link Patch}) that writes as the edited item but does not read as one.
   *
   * @throws WireFormatException as {@link #write(WireRequest)}
   */
  public final Encoded encodeShared(WireRequest request) {
    check(request);
    return encodeChecked(request, true, true);
  }

  @Override
  public String toString() {
    return "WireCodec[" + dialect().id() + "]";
  }
}
