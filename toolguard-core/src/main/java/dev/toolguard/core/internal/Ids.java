package dev.toolguard.core.internal;

import java.security.SecureRandom;

/** Random ids: fresh call ids that no other conversation repeats, and the nonces of waiting calls. */
public final class Ids {

  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  /** {@code n} random letters and digits (62 symbols: about 5.95 bits each). */
  public static String alphanumeric(int n) {
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }

  /**
   * A fresh call id: {@code call_} and 24 random letters and digits (about 143 bits), within the id
   * rules of OpenAI (at most 40 characters), Anthropic ({@code ^[a-zA-Z0-9_-]+$}) and Responses.
   */
  public static String callId() {
    return "call_" + alphanumeric(24);
  }

  /** A nonce for a waiting call: 22 random letters and digits (about 131 bits). */
  public static String nonce() {
    return alphanumeric(22);
  }
}
