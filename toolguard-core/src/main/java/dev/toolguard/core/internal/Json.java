package dev.toolguard.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A small, strict JSON reader for what core needs without a JSON library: telling whether tool
 * arguments are JSON, and comparing two argument texts as JSON values (key order and white space
 * do not count).
 */
public final class Json {

  /** Deeper nesting than this is treated as not JSON, so hostile input cannot exhaust the stack. */
  public static final int MAX_DEPTH = 256;

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /**
   * The canonical form of {@code json}: object keys sorted, no insignificant white space, strings
   * re-escaped the same way; or null if {@code json} is not one JSON value.
   */
  public static @Nullable String canonical(String json) {
    Object value = parse(json);
    if (value == NOT_JSON) {
      return null;
    }
    StringBuilder sb = new StringBuilder(json.length());
    write(value, sb);
    return sb.toString();
  }

  /** True when {@code a} and {@code b} are the same JSON value, or the same text when either is not JSON. */
  public static boolean sameValue(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    String ca = canonical(a);
    String cb = canonical(b);
    return ca != null && ca.equals(cb);
  }

  /** True when {@code json} is a JSON object (what tool arguments must be). */
  public static boolean isObject(String json) {
    return parse(json) instanceof Map;
  }

  /**
   * True when {@code json} opens more than {@link #MAX_DEPTH} objects and arrays inside each other
   * (outside strings): deeper than this reader goes, so it is not read as JSON at all.
   */
  public static boolean tooDeep(String json) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        if (++depth > MAX_DEPTH) {
          return true;
        }
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
    return false;
  }

  /**
   * Parses {@code json} into maps (sorted), lists, strings, number lexemes ({@link Num}), booleans
   * and {@link #NULL}; {@link #NOT_JSON} if it is not exactly one JSON value.
   */
  static Object parse(String json) {
    Json p = new Json(json);
    try {
      p.skipWs();
      Object v = p.value(0);
      p.skipWs();
      return p.pos == json.length() ? v : NOT_JSON;
    } catch (IllegalStateException e) {
      return NOT_JSON;
    }
  }

  static final Object NOT_JSON = new Object();
  static final Object NULL = new Object();

  /** A number, kept as written. */
  record Num(String lexeme) {}

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalStateException("too deep");
    }
    if (pos >= text.length()) {
      throw new IllegalStateException("end");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", NULL);
      default:
        return number();
    }
  }

  private Map<String, Object> object(int depth) {
    pos++;
    TreeMap<String, Object> map = new TreeMap<>();
    skipWs();
    if (peek() == '}') {
      pos++;
      return map;
    }
    while (true) {
      skipWs();
      if (peek() != '"') {
        throw new IllegalStateException("key");
      }
      String key = string();
      skipWs();
      expect(':');
      skipWs();
      map.put(key, value(depth + 1));
      skipWs();
      char c = next();
      if (c == '}') {
        return map;
      }
      if (c != ',') {
        throw new IllegalStateException("object");
      }
    }
  }

  private List<Object> array(int depth) {
    pos++;
    List<Object> list = new ArrayList<>();
    skipWs();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      skipWs();
      list.add(value(depth + 1));
      skipWs();
      char c = next();
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        throw new IllegalStateException("array");
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        throw new IllegalStateException("control character");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw new IllegalStateException("escape");
          }
          int cp = 0;
          for (int k = 0; k < 4; k++) {
            int d = Character.digit(text.charAt(pos++), 16);
            if (d < 0) {
              throw new IllegalStateException("escape");
            }
            cp = cp * 16 + d;
          }
          sb.append((char) cp);
        }
        default -> throw new IllegalStateException("escape");
      }
    }
  }

  private Num number() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    int digits = digits();
    if (digits == 0 || (digits > 1 && text.charAt(pos - digits) == '0')) {
      throw new IllegalStateException("number");
    }
    if (pos < text.length() && text.charAt(pos) == '.') {
      pos++;
      if (digits() == 0) {
        throw new IllegalStateException("number");
      }
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      if (digits() == 0) {
        throw new IllegalStateException("number");
      }
    }
    return new Num(text.substring(start, pos));
  }

  private int digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos - start;
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, pos)) {
      throw new IllegalStateException("literal");
    }
    pos += word.length();
    return value;
  }

  private void skipWs() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private char peek() {
    if (pos >= text.length()) {
      throw new IllegalStateException("end");
    }
    return text.charAt(pos);
  }

  private char next() {
    char c = peek();
    pos++;
    return c;
  }

  private void expect(char c) {
    if (next() != c) {
      throw new IllegalStateException("expected " + c);
    }
  }

  private static void write(Object v, StringBuilder sb) {
    if (v instanceof Map<?, ?> map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        quote((String) e.getKey(), sb);
        sb.append(':');
        write(e.getValue(), sb);
      }
      sb.append('}');
    } else if (v instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        write(list.get(i), sb);
      }
      sb.append(']');
    } else if (v instanceof String s) {
      quote(s, sb);
    } else if (v instanceof Num n) {
      sb.append(n.lexeme());
    } else if (v == NULL) {
      sb.append("null");
    } else {
      sb.append(v);
    }
  }

  /** Appends {@code s} as a JSON string literal. */
  public static void quote(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
