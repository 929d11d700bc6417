package dev.toolguard.springai.internal;

import dev.toolguard.core.Content;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolResult;
import java.util.ArrayList;
import java.util.List;

/**
 * A history as Spring AI's Gemini models ({@code GoogleGenAiChatModel}) must get it to send a valid body:
 *
 * <ul>
 *   <li>tool outputs as JSON: they parse every {@code ToolResponse}'s data as JSON and fail with "Failed to
 *       parse JSON" before sending anything otherwise. Spring AI's own tool loop always gives JSON (a tool's
 *       {@code String} comes back quoted); an output that is not JSON (an error result toolguard made up, a
 *       result the application wrote by hand) is sent as a JSON string of its text;
 *   <li>the results of one call turn in one tool message: they map each {@code ToolResponseMessage} to a
 *       content of its own, and Gemini wants all the responses to a call turn in the one turn after it.
 * </ul>
 *
 * <p>Only what is sent changes: the history keeps the text and its messages.
 */
public final class GeminiView {

  private GeminiView() {}

  /** Whether the models of {@code dialect} parse tool outputs as JSON in Spring AI (Gemini's). */
  public static boolean needed(@org.jspecify.annotations.Nullable Dialect dialect) {
    return dialect == Dialect.GEMINI;
  }

  /**
   * {@code history} with consecutive tool messages joined and every output that is not JSON made a JSON
   * string; the same list when nothing changes.
   */
  public static List<Message> of(List<Message> history) {
    List<Message> joined = joined(history);
    List<Message> out = joined == history ? null : joined;
    history = joined;
    for (int i = 0; i < history.size(); i++) {
      Message m = history.get(i);
      List<Content> contents = null;
      for (int k = 0; k < m.contents().size(); k++) {
        if (m.contents().get(k) instanceof ToolResult r && !isJson(r.output())) {
          if (contents == null) {
            contents = new ArrayList<>(m.contents());
          }
          contents.set(k, new ToolResult(r.callId(), r.name(), quote(r.output()), r.error(), r.metadata()));
        }
      }
      if (contents != null) {
        if (out == null) {
          out = new ArrayList<>(history);
        }
        out.set(i, m.withContents(contents));
      }
    }
    return out == null ? history : out;
  }

  /** {@code history} with each run of consecutive tool messages made one; the same list when there is none. */
  private static List<Message> joined(List<Message> history) {
    boolean any = false;
    for (int i = 1; i < history.size() && !any; i++) {
      any = history.get(i).role() == Role.TOOL && history.get(i - 1).role() == Role.TOOL;
    }
    if (!any) {
      return history;
    }
    List<Message> out = new ArrayList<>(history.size());
    for (Message m : history) {
      int last = out.size() - 1;
      if (m.role() == Role.TOOL && last >= 0 && out.get(last).role() == Role.TOOL) {
        List<Content> contents = new ArrayList<>(out.get(last).contents());
        contents.addAll(m.contents());
        out.set(last, out.get(last).withContents(contents));
      } else {
        out.add(m);
      }
    }
    return out;
  }

  /** {@code text} as a JSON string. */
  static String quote(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /** Whether {@code text} is one JSON value (RFC 8259), whitespace around it allowed. */
  static boolean isJson(String text) {
    Parser p = new Parser(text);
    try {
      p.ws();
      p.value(0);
      p.ws();
      return p.at == text.length();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A recursive-descent reader that only checks; nesting is bounded so that no input overflows the stack. */
  private static final class Parser {
    private static final int MAX_DEPTH = 512;
    private final String s;
    private int at;

    Parser(String s) {
      this.s = s;
    }

    void ws() {
      while (at < s.length() && (s.charAt(at) == ' ' || s.charAt(at) == '\t' || s.charAt(at) == '\n'
          || s.charAt(at) == '\r')) {
        at++;
      }
    }

    char peek() {
      if (at >= s.length()) {
        throw new IllegalArgumentException("end");
      }
      return s.charAt(at);
    }

    void expect(char c) {
      if (peek() != c) {
        throw new IllegalArgumentException("expected " + c);
      }
      at++;
    }

    void value(int depth) {
      if (depth > MAX_DEPTH) {
        throw new IllegalArgumentException("too deep");
      }
      char c = peek();
      switch (c) {
        case '{' -> {
          at++;
          ws();
          if (peek() == '}') {
            at++;
            return;
          }
          while (true) {
            ws();
            string();
            ws();
            expect(':');
            ws();
            value(depth + 1);
            ws();
            if (peek() == ',') {
              at++;
            } else {
              expect('}');
              return;
            }
          }
        }
        case '[' -> {
          at++;
          ws();
          if (peek() == ']') {
            at++;
            return;
          }
          while (true) {
            ws();
            value(depth + 1);
            ws();
            if (peek() == ',') {
              at++;
            } else {
              expect(']');
              return;
            }
          }
        }
        case '"' -> string();
        case 't' -> word("true");
        case 'f' -> word("false");
        case 'n' -> word("null");
        default -> number();
      }
    }

    void word(String w) {
      if (!s.startsWith(w, at)) {
        throw new IllegalArgumentException("expected " + w);
      }
      at += w.length();
    }

    void string() {
      expect('"');
      while (true) {
        char c = peek();
        at++;
        if (c == '"') {
          return;
        }
        if (c < 0x20) {
          throw new IllegalArgumentException("control character");
        }
        if (c == '\\') {
          char e = peek();
          at++;
          if (e == 'u') {
            for (int i = 0; i < 4; i++) {
              if (Character.digit(peek(), 16) < 0) {
                throw new IllegalArgumentException("bad escape");
              }
              at++;
            }
          } else if ("\"\\/bfnrt".indexOf(e) < 0) {
            throw new IllegalArgumentException("bad escape");
          }
        }
      }
    }

    void number() {
      int start = at;
      if (at < s.length() && s.charAt(at) == '-') {
        at++;
      }
      if (at < s.length() && s.charAt(at) == '0') {
        at++;
      } else {
        digits();
      }
      if (at < s.length() && s.charAt(at) == '.') {
        at++;
        digits();
      }
      if (at < s.length() && (s.charAt(at) == 'e' || s.charAt(at) == 'E')) {
        at++;
        if (at < s.length() && (s.charAt(at) == '+' || s.charAt(at) == '-')) {
          at++;
        }
        digits();
      }
      if (at == start) {
        throw new IllegalArgumentException("not a value");
      }
    }

    void digits() {
      int start = at;
      while (at < s.length() && s.charAt(at) >= '0' && s.charAt(at) <= '9') {
        at++;
      }
      if (at == start) {
        throw new IllegalArgumentException("expected a digit");
      }
    }
  }
}
