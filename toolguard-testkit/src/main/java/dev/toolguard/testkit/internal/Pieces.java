package dev.toolguard.testkit.internal;

import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;

/** Deterministic splitting of text into stream deltas, and token estimates. */
public final class Pieces {

  private Pieces() {}

  /** The text cut after each space ({@code "a b c"} → {@code "a ", "b ", "c"}); never empty. */
  public static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int k = 0; k < text.length(); k++) {
      if (text.charAt(k) == ' ') {
        out.add(text.substring(start, k + 1));
        start = k + 1;
      }
    }
    if (start < text.length() || out.isEmpty()) {
      out.add(text.substring(start));
    }
    return out;
  }

  /** The text in (at most) three nearly equal parts, for argument deltas. */
  public static List<String> thirds(String text) {
    if (text.length() < 3) {
      return List.of(text);
    }
    int a = text.length() / 3;
    int b = 2 * text.length() / 3;
    return List.of(text.substring(0, a), text.substring(a, b), text.substring(b));
  }

  /** A rough token count of a text: a token per four characters, at least one. */
  public static int tokens(String text) {
    return Math.max(1, text.length() / 4);
  }

  /** The estimated output tokens of a reply. */
  public static int outputTokens(Reply reply) {
    int chars = reply.text() == null ? 0 : reply.text().length();
    for (Reply.Call c : reply.calls()) {
      chars += c.name().length() + c.argumentsJson().length();
    }
    return Math.max(1, chars / 4);
  }
}
