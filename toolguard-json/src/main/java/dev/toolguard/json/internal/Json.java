package dev.toolguard.json.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
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
              .streamReadConstraints(StreamReadConstraints.builder()
                  .maxStringLength(Integer.MAX_VALUE)
                  .maxDocumentLength(-1)
                  .build())
              .build())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      // duplicate keys are caught where the tree puts a key twice: the parser's strict detection
      // costs a hash set for every object of more than two fields
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .build();

  /** Jackson's reference to a place in the input, reduced to its line and column. */
  private static final java.util.regex.Pattern SOURCE =
      java.util.regex.Pattern.compile("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)]");

  /** Jackson's report of a key that an object has twice, reduced to the key. */
  private static final java.util.regex.Pattern DUPLICATE =
      java.util.regex.Pattern.compile("Duplicate field '(.*)' for `ObjectNode`: not allowed when .*");

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
      why = DUPLICATE.matcher(why).replaceAll("Duplicate field '$1'");
      throw new WireFormatException("not JSON: " + why, where, e);
    } catch (NumberFormatException e) {
      // a number Jackson cannot hold (an exponent of too many digits, say) escapes its parse errors
      throw new WireFormatException("not JSON: a number cannot be read: " + oneLine(String.valueOf(e.getMessage())),
          "input", e);
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

  /**
   * {@code node} as compact JSON text, the same text as {@link #write}: small trees of plain values
   * (ASCII strings without escapes, integers, booleans, null) are written directly, the rest by
   * Jackson. The Anthropic reader turns every {@code tool_use} input into its arguments text.
   */
  static String compact(JsonNode node) {
    StringBuilder sb = new StringBuilder(64);
    return appendPlain(node, sb, 0) ? sb.toString() : write(node);
  }

  private static boolean appendPlain(JsonNode n, StringBuilder sb, int depth) {
    if (depth > 32) {
      return false;
    }
    if (n instanceof ObjectNode) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        if (!appendPlain(e.getKey(), sb)) {
          return false;
        }
        sb.append(':');
        if (!appendPlain(e.getValue(), sb, depth + 1)) {
          return false;
        }
      }
      sb.append('}');
      return true;
    }
    if (n instanceof ArrayNode) {
      sb.append('[');
      for (int i = 0; i < n.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        if (!appendPlain(n.get(i), sb, depth + 1)) {
          return false;
        }
      }
      sb.append(']');
      return true;
    }
    if (n instanceof com.fasterxml.jackson.databind.node.TextNode) {
      return appendPlain(n.textValue(), sb);
    }
    if (n instanceof com.fasterxml.jackson.databind.node.IntNode
        || n instanceof com.fasterxml.jackson.databind.node.LongNode) {
      sb.append(n.longValue());
      return true;
    }
    if (n.isBoolean()) {
      sb.append(n.booleanValue());
      return true;
    }
    if (n.isNull()) {
      sb.append("null");
      return true;
    }
    return false; // decimals, big integers, binary, POJOs: Jackson writes them
  }

  /**
   * True when {@code text} is the compact JSON of {@code node}, as {@link #compact} writes small
   * trees of plain values directly (false for other trees, even when they would be written so):
   * the Anthropic writer tells so that a call's arguments are still its template's {@code input}.
   */
  static boolean isCompactOf(JsonNode node, String text) {
    return matchPlain(node, text, 0, 0) == text.length();
  }

  /** Where the compact JSON of {@code n} ends in {@code s} when it stands at {@code pos}; -1 when it does not. */
  private static int matchPlain(JsonNode n, String s, int pos, int depth) {
    if (depth > 32 || pos < 0 || pos >= s.length()) {
      return -1;
    }
    if (n instanceof ObjectNode) {
      if (s.charAt(pos++) != '{') {
        return -1;
      }
      boolean first = true;
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        if (!first && (pos >= s.length() || s.charAt(pos++) != ',')) {
          return -1;
        }
        first = false;
        pos = matchPlain(e.getKey(), s, pos);
        if (pos < 0 || pos >= s.length() || s.charAt(pos++) != ':') {
          return -1;
        }
        pos = matchPlain(e.getValue(), s, pos, depth + 1);
        if (pos < 0) {
          return -1;
        }
      }
      return pos < s.length() && s.charAt(pos) == '}' ? pos + 1 : -1;
    }
    if (n instanceof ArrayNode) {
      if (s.charAt(pos++) != '[') {
        return -1;
      }
      for (int i = 0; i < n.size(); i++) {
        if (i > 0 && (pos >= s.length() || s.charAt(pos++) != ',')) {
          return -1;
        }
        pos = matchPlain(n.get(i), s, pos, depth + 1);
        if (pos < 0) {
          return -1;
        }
      }
      return pos < s.length() && s.charAt(pos) == ']' ? pos + 1 : -1;
    }
    if (n instanceof com.fasterxml.jackson.databind.node.TextNode) {
      return matchPlain(n.textValue(), s, pos);
    }
    String literal;
    if (n instanceof com.fasterxml.jackson.databind.node.IntNode
        || n instanceof com.fasterxml.jackson.databind.node.LongNode) {
      literal = Long.toString(n.longValue());
    } else if (n.isBoolean()) {
      literal = n.booleanValue() ? "true" : "false";
    } else if (n.isNull()) {
      literal = "null";
    } else {
      return -1; // decimals, big integers, binary, POJOs: not plain
    }
    return s.startsWith(literal, pos) ? pos + literal.length() : -1;
  }

  /** Where {@code v}, quoted and plain (no escapes), ends in {@code s} when it stands at {@code pos}; -1 when not. */
  private static int matchPlain(String v, String s, int pos) {
    int end = pos + v.length() + 2;
    if (end > s.length() || s.charAt(pos) != '"' || s.charAt(end - 1) != '"' || !s.startsWith(v, pos + 1)) {
      return -1;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return -1;
      }
    }
    return end;
  }

  /** Appends {@code s} quoted when it needs no escape (printable ASCII but quote and backslash). */
  private static boolean appendPlain(String s, StringBuilder sb) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    sb.append('"').append(s).append('"');
    return true;
  }

  /**
   * {@code text} parsed as exactly one JSON value, the same tree as {@link #parse}: plain texts
   * (ASCII strings without escapes, integers, booleans, null, no duplicate keys) are parsed
   * directly, the rest by Jackson. The Anthropic writer turns every call's arguments into its
   * {@code tool_use} input.
   *
   * @throws WireFormatException as {@link #parse}
   */
  static JsonNode parseValue(String text) {
    JsonNode node = new PlainParser(text).parse();
    return node != null ? node : parse(text);
  }

  /**
   * True when {@code text} is plain JSON (as {@link #parseValue} reads directly) written compactly,
   * without white space: then it is exactly the text that writing its tree gives, and a body that
   * is only serialized can carry it as it is ({@link #raw}).
   */
  static boolean isPlainCompact(String text) {
    PlainParser p = new PlainParser(text);
    return p.parse() != null && !p.sawWhitespace;
  }

  /** A node that writes {@code json} as it is; only for texts that {@link #isPlainCompact} accepts. */
  static JsonNode raw(String json) {
    return NODES.rawValueNode(new com.fasterxml.jackson.databind.util.RawValue(json));
  }

  /** Parses plain JSON texts; gives up (null) on anything else, which Jackson then reads. */
  private static final class PlainParser {
    private final String s;
    private int pos;
    boolean sawWhitespace;

    PlainParser(String s) {
      this.s = s;
    }

    @Nullable JsonNode parse() {
      JsonNode v = value(0);
      if (v == null) {
        return null;
      }
      skipWs();
      return pos == s.length() ? v : null;
    }

    private void skipWs() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
          return;
        }
        sawWhitespace = true;
        pos++;
      }
    }

    private @Nullable JsonNode value(int depth) {
      if (depth > 32) {
        return null;
      }
      skipWs();
      if (pos >= s.length()) {
        return null;
      }
      char c = s.charAt(pos);
      if (c == '{') {
        pos++;
        ObjectNode o = NODES.objectNode();
        skipWs();
        if (pos < s.length() && s.charAt(pos) == '}') {
          pos++;
          return o;
        }
        while (true) {
          skipWs();
          String key = string();
          if (key == null) {
            return null;
          }
          skipWs();
          if (pos >= s.length() || s.charAt(pos) != ':') {
            return null;
          }
          pos++;
          JsonNode v = value(depth + 1);
          if (v == null || o.replace(key, v) != null) {
            return null; // not plain, or a duplicate key: Jackson tells
          }
          skipWs();
          if (pos >= s.length()) {
            return null;
          }
          char d = s.charAt(pos++);
          if (d == '}') {
            return o;
          }
          if (d != ',') {
            return null;
          }
        }
      }
      if (c == '[') {
        pos++;
        ArrayNode a = NODES.arrayNode();
        skipWs();
        if (pos < s.length() && s.charAt(pos) == ']') {
          pos++;
          return a;
        }
        while (true) {
          JsonNode v = value(depth + 1);
          if (v == null) {
            return null;
          }
          a.add(v);
          skipWs();
          if (pos >= s.length()) {
            return null;
          }
          char d = s.charAt(pos++);
          if (d == ']') {
            return a;
          }
          if (d != ',') {
            return null;
          }
        }
      }
      if (c == '"') {
        String text = string();
        return text == null ? null : NODES.textNode(text);
      }
      if (s.startsWith("true", pos)) {
        pos += 4;
        return NODES.booleanNode(true);
      }
      if (s.startsWith("false", pos)) {
        pos += 5;
        return NODES.booleanNode(false);
      }
      if (s.startsWith("null", pos)) {
        pos += 4;
        return NODES.nullNode();
      }
      return integer();
    }

    /** A string without escapes or non-ASCII characters; null otherwise. */
    private @Nullable String string() {
      if (pos >= s.length() || s.charAt(pos) != '"') {
        return null;
      }
      int start = ++pos;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '"') {
          return s.substring(start, pos++);
        }
        if (c < 0x20 || c > 0x7e || c == '\\') {
          return null;
        }
        pos++;
      }
      return null;
    }

    /** An integer of at most 18 digits, without a leading zero or minus zero; null otherwise. */
    private @Nullable JsonNode integer() {
      int start = pos;
      boolean negative = pos < s.length() && s.charAt(pos) == '-';
      if (negative) {
        pos++;
      }
      int digitsStart = pos;
      long value = 0;
      while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        value = value * 10 + (s.charAt(pos) - '0');
        pos++;
      }
      int digits = pos - digitsStart;
      if (digits == 0 || digits > 18 || (s.charAt(digitsStart) == '0' && (digits > 1 || negative))) {
        return null;
      }
      if (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '.' || c == 'e' || c == 'E' || Character.isLetterOrDigit(c)) {
          return null; // a decimal or not a number: Jackson reads it
        }
      }
      value = negative ? -value : value;
      return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE
          ? NODES.numberNode((int) value) : NODES.numberNode(value);
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
  public static ObjectNode object(@Nullable JsonNode node, Object path, String what) {
    if (node instanceof ObjectNode) {
      return (ObjectNode) node;
    }
    throw new WireFormatException(describe(node) + " where " + what + " (a JSON object) is expected", path.toString());
  }

  /** The string field {@code field} of {@code o}; null when absent or null. */
  public static @Nullable String optString(ObjectNode o, String field, Object path) {
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

  /** True when {@code node} has the string field {@code field} with the value {@code value}. */
  static boolean hasText(JsonNode node, String field, String value) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() && v.textValue().equals(value);
  }

  /** The string field {@code field} of {@code o}; {@code why} says why it is needed. */
  public static String reqString(ObjectNode o, String field, Object path, String why) {
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
  public static boolean optBoolean(ObjectNode o, String field, Object path) {
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
  public static ObjectNode reqObject(ObjectNode o, String field, Object path, String why) {
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

  /** A new empty array node with room for {@code capacity} elements. */
  static ArrayNode array(int capacity) {
    return NODES.arrayNode(capacity);
  }

  /** A new empty object node. */
  public static ObjectNode object() {
    return NODES.objectNode();
  }
}
