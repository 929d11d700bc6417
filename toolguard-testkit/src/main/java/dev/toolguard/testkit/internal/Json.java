package dev.toolguard.testkit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/** The one JSON mapper of the referee and small helpers around Jackson's tree model. */
public final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** The shared mapper (thread-safe once configured). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The tree of {@code text}, or null when it is not JSON. */
  public static @Nullable JsonNode parseOrNull(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      return node == null || node.isMissingNode() ? null : node;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** Compact JSON text of a tree. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new empty object. */
  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** A new empty array. */
  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /** The field, or null when absent (a JSON {@code null} is returned as a NullNode). */
  public static @Nullable JsonNode field(JsonNode node, String name) {
    return node.isObject() ? node.get(name) : null;
  }

  /** The text of a string field, or null when absent or not a string. */
  public static @Nullable String text(JsonNode node, String name) {
    JsonNode f = field(node, name);
    return f != null && f.isTextual() ? f.asText() : null;
  }

  /** True when the field is absent or JSON null. */
  public static boolean absentOrNull(JsonNode node, String name) {
    JsonNode f = field(node, name);
    return f == null || f.isNull();
  }

  /** OpenAI's wording of a JSON type in "expected …, but got … instead" messages. */
  public static String openAiTypeName(@Nullable JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "null";
    }
    if (node.isTextual()) {
      return "a string";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "an array";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    if (node.isIntegralNumber()) {
      return "an integer";
    }
    return "a decimal";
  }
}
