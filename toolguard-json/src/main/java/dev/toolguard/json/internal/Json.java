package dev.toolguard.json.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.json.WireFormatException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON set-up of the module and small typed readers that fail with a {@link
 * WireFormatException} naming the path.
 *
 * <p>Numbers are read exactly (floating point numbers as {@code BigDecimal}, trailing zeros kept)
 * so that writing gives the number back as it was; duplicate keys and trailing content are errors.
 */
public final class Json {

  /** The mapper of the module; configured once, thread-safe. */
  public static final ObjectMapper MAPPER = JsonMapper.builder(
          JsonFactory.builder()
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .streamReadConstraints(StreamReadConstraints.builder()
                  .maxStringLength(Integer.MAX_VALUE)
                  .maxDocumentLength(-1)
                  .build())
              .build())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .build();

  /** Jackson's reference to a place in the input, reduced to its line and column. */
  private static final java.util.regex.Pattern SOURCE =
      java.util.regex.Pattern.compile("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)]");

  /** The node factory of {@link #MAPPER}. */
  public static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

  private Json() {}

  /**
   * Parses {@code text} as exactly one JSON value.
   *
   * @throws WireFormatException saying where the text stops being JSON
   */
  public static JsonNode parse(String text) {
    if (text == null) {
      throw new WireFormatException("no input; give a JSON text", "input");
    }
    if (text.isBlank()) {
      throw new WireFormatException("not JSON: the input is empty", "line 1, column 1");
    }
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new WireFormatException("not JSON: the input is empty", "line 1, column 1");
      }
      return node;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "input" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
      String why = e.getOriginalMessage() == null ? "malformed" : e.getOriginalMessage();
      why = SOURCE.matcher(oneLine(why)).replaceAll("line $1, column $2");
      throw new WireFormatException("not JSON: " + why, where, e);
    }
  }

  /** {@code node} as compact JSON text. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter(
      Separators.createDefaultInstance()
          .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
          .withObjectEmptySeparator("")
          .withArrayEmptySeparator(""))
      .withObjectIndenter(new DefaultIndenter("  ", "\n"))
      .withArrayIndenter(new DefaultIndenter("  ", "\n"));

  /** {@code node} as JSON text indented by two spaces, one field or element a line. */
  public static String writePretty(JsonNode node) {
    try {
      return MAPPER.writer(PRETTY).writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  /** Replaces line breaks so that a message stays on one line. */
  public static String oneLine(String s) {
    return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
  }

  /** What kind of JSON value {@code node} is, with an article: "a string", "an array", "null", … */
  public static String describe(@Nullable JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "missing";
    }
    switch (node.getNodeType()) {
      case STRING:
        return "a string";
      case NUMBER:
        return "a number";
      case BOOLEAN:
        return "a boolean";
      case OBJECT:
        return "an object";
      case ARRAY:
        return "an array";
      case NULL:
        return "null";
      default:
        return "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** {@code node} as an object, or a {@link WireFormatException} saying {@code what} was expected at {@code path}. */
  public static ObjectNode object(@Nullable JsonNode node, String path, String what) {
    if (node instanceof ObjectNode) {
      return (ObjectNode) node;
    }
    throw new WireFormatException(describe(node) + " where " + what + " (a JSON object) is expected", path);
  }

  /** The string field {@code field} of {@code o}; null when absent or null. */
  public static @Nullable String optString(ObjectNode o, String field, String path) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new WireFormatException(describe(v) + " where a string is expected", path + "." + field);
    }
    return v.asText();
  }

  /** The string field {@code field} of {@code o}; null when it is absent or not a string. */
  static @Nullable String text(ObjectNode o, String field) {
    JsonNode v = o.get(field);
    return v != null && v.isTextual() ? v.textValue() : null;
  }

  /** The string field {@code field} of {@code o}; {@code why} says why it is needed. */
  public static String reqString(ObjectNode o, String field, String path, String why) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      throw new WireFormatException(field + " is " + (v == null ? "missing" : "null") + "; " + why, path + "." + field);
    }
    if (!v.isTextual()) {
      throw new WireFormatException(describe(v) + " where a string is expected; " + why, path + "." + field);
    }
    return v.asText();
  }

  /** The boolean field {@code field} of {@code o}; false when absent or null. */
  public static boolean optBoolean(ObjectNode o, String field, String path) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new WireFormatException(describe(v) + " where true or false is expected", path + "." + field);
    }
    return v.booleanValue();
  }

  /** The object field {@code field} of {@code o}; {@code why} says why it is needed. */
  public static ObjectNode reqObject(ObjectNode o, String field, String path, String why) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      throw new WireFormatException(field + " is " + (v == null ? "missing" : "null") + "; " + why, path + "." + field);
    }
    if (!v.isObject()) {
      throw new WireFormatException(describe(v) + " where an object is expected; " + why, path + "." + field);
    }
    return (ObjectNode) v;
  }

  /**
   * A copy of {@code o} with the string, array or object values of {@code fields} replaced by an
   * empty value of the same type (fields of other types, or absent, stay as they are).
   */
  public static ObjectNode blank(ObjectNode o, String... fields) {
    ObjectNode copy = o.deepCopy();
    for (String f : fields) {
      JsonNode v = copy.get(f);
      if (v == null) {
        continue;
      }
      if (v.isTextual()) {
        copy.put(f, "");
      } else if (v.isArray()) {
        copy.set(f, NODES.arrayNode());
      } else if (v.isObject()) {
        copy.set(f, NODES.objectNode());
      }
    }
    return copy;
  }

  /**
   * Blanks the string, array or object values of {@code fields} of {@code o} in place, as {@link
   * #blank} does on a copy, and returns {@code o}. Only for trees the codec owns (parsed by it or
   * copied for it): the reader turns the nodes it parsed into templates without copying them.
   */
  static ObjectNode blankInPlace(ObjectNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null) {
      return o;
    }
    if (v.isTextual()) {
      o.set(field, EMPTY_TEXT);
    } else if (v.isArray()) {
      o.set(field, NODES.arrayNode());
    } else if (v.isObject()) {
      o.set(field, NODES.objectNode());
    }
    return o;
  }

  private static final JsonNode EMPTY_TEXT = NODES.textNode("");

  /**
   * A copy of {@code o} to write into: a deep copy, or, when {@code share} is true (the written tree
   * is serialized and dropped, never handed out), a new object holding the same values, so that
   * setting a field of the copy leaves {@code o} as it is.
   */
  static ObjectNode copy(ObjectNode o, boolean share) {
    if (!share) {
      return o.deepCopy();
    }
    ObjectNode c = new ObjectNode(NODES, new java.util.LinkedHashMap<>(Math.max(4, o.size() * 2)));
    c.setAll(o);
    return c;
  }

  /** {@code node} to put into a written tree: itself when {@code share} is true, else a deep copy. */
  static JsonNode copy(JsonNode node, boolean share) {
    return share ? node : node.deepCopy();
  }

  /**
   * The text of the text parts of {@code parts}, joined by newlines: parts that are objects with a
   * {@code type} among {@code types} and a string {@code text}.
   */
  public static String joinTexts(ArrayNode parts, String... types) {
    StringBuilder sb = new StringBuilder();
    boolean first = true;
    for (JsonNode p : parts) {
      if (!p.isObject() || !p.path("text").isTextual()) {
        continue;
      }
      String type = p.path("type").asText("");
      boolean match = false;
      for (String t : types) {
        if (t.equals(type)) {
          match = true;
          break;
        }
      }
      if (!match) {
        continue;
      }
      if (!first) {
        sb.append('\n');
      }
      sb.append(p.get("text").asText());
      first = false;
    }
    return sb.toString();
  }

  /** The template stored under {@code key} in {@code metadata}, or null when there is none. */
  public static @Nullable ObjectNode template(Map<String, Object> metadata, String key) {
    Object v = metadata.get(key);
    return v instanceof ObjectNode ? (ObjectNode) v : null;
  }

  /** True when {@code metadata} has {@code key} set to {@code Boolean.TRUE}. */
  public static boolean flag(Map<String, Object> metadata, String key) {
    return Boolean.TRUE.equals(metadata.get(key));
  }

  /** A new empty array node. */
  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  /** A new empty object node. */
  public static ObjectNode object() {
    return NODES.objectNode();
  }
}
