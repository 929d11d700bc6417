package dev.toolguard.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Message;
import dev.toolguard.json.internal.HistoryFormat;
import dev.toolguard.json.internal.Json;
import java.util.List;

/**
 * The native JSON form of a core history, for storing histories (and the pending approvals in
 * them) between processes. Every content type is kept, with approval decisions, the informational
 * flag, metadata and opaque payloads.
 *
 * <pre>{@code
 * {"format": "toolguard-history", "version": 1, "messages": [
 *   {"role": "assistant", "contents": [
 *     {"type": "tool_call", "callId": "call_1", "name": "delete_file", "arguments": "{\"path\":\"a\"}"},
 *     {"type": "approval_request", "callId": "call_1", "call": {"type": "tool_call", …, "informational": true}}],
 *    "metadata": {"toolguard.json.node": {"json": {"role": "assistant", "content": null}}}}]}
 * }</pre>
 *
 * <p>Metadata values and opaque payloads: a {@code String} and a {@code Boolean} are written as
 * themselves; any other value as an object with one field that names its type: {@code json} (a
 * Jackson {@code JsonNode}, which comes back as an equal {@code JsonNode}), {@code int}, {@code
 * long}, {@code short}, {@code byte}, {@code double}, {@code float} (each comes back as that boxed
 * type), {@code bigint}, {@code decimal} (as text; back as {@code BigInteger} / {@code BigDecimal}
 * with the same scale), {@code list} and {@code map} (back as unmodifiable {@code List} and
 * insertion-ordered {@code Map<String, Object>} of values read the same way). Any other type cannot
 * be written. So for histories whose values are of these types, {@code read(write(h))} equals
 * {@code h}.
 */
public final class HistoryJson {

  private HistoryJson() {}

  /**
   * This format as a {@link dev.toolguard.core.conversation.HistoryCodec}, for stores that keep
   * conversations as text (toolguard-jdbc's {@code JdbcConversationStore}).
   */
  public static dev.toolguard.core.conversation.HistoryCodec codec() {
    return CODEC;
  }

  private static final dev.toolguard.core.conversation.HistoryCodec CODEC =
      new dev.toolguard.core.conversation.HistoryCodec() {
        @Override
        public String encode(List<Message> history) {
          return write(history);
        }

        @Override
        public List<Message> decode(String text) {
          return read(text);
        }

        @Override
        public String toString() {
          return "HistoryJson.codec()";
        }
      };

  /**
   * {@code history} as compact JSON text.
   *
   * @throws WireFormatException if a metadata value or payload is of a type this format cannot hold
   */
  public static String write(List<Message> history) {
    return Json.write(HistoryFormat.write(history));
  }

  /**
   * {@code history} as a JSON tree.
   *
   * @throws WireFormatException as {@link #write(List)}
   */
  public static ObjectNode writeTree(List<Message> history) {
    return HistoryFormat.write(history);
  }

  /**
   * The history that {@code json} holds.
   *
   * @throws WireFormatException if {@code json} is not JSON or not a history document of this
   *     version, naming the path of what is wrong
   */
  public static List<Message> read(String json) {
    return HistoryFormat.read(Json.parse(json));
  }

  /**
   * The history that the tree {@code json} holds.
   *
   * @throws WireFormatException as {@link #read(String)}
   */
  public static List<Message> read(JsonNode json) {
    return HistoryFormat.read(json);
  }
}
