package dev.toolguard.core.internal;

import dev.toolguard.core.Dialect;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The call id rule of each dialect, and the ids toolguard makes in it.
 *
 * <ul>
 *   <li>OpenAI Chat: at most 40 characters; Responses: at most 64 (as {@code toolguard-json}'s
 *       {@code DialectLimits}, which rewrites the ids of those two and of Anthropic in a body; core
 *       checks the rule of the four newer dialects and makes every id it renames or synthesizes obey
 *       the rule of any dialect);
 *   <li>Anthropic: {@code [a-zA-Z0-9_-]+};
 *   <li>Bedrock Converse: 1 to 64 of {@code [a-zA-Z0-9_-]};
 *   <li>Mistral: exactly 9 of {@code [a-zA-Z0-9]};
 *   <li>Gemini and Ollama: any non-empty id (the wire matches by position and name).
 * </ul>
 *
 * <p>A derived id ({@link #derive}) is deterministic: the same id in the same history gives the same
 * fresh id, so a repair can be reproduced; it never collides with an id the history uses. A random id
 * ({@link #random}) is for ids the model gave empty or twice, which other conversations repeat.
 */
public final class CallIds {

  /** The longest call id OpenAI Chat takes. */
  public static final int OPENAI_CHAT_MAX = 40;
  /** The longest call id OpenAI Responses takes. */
  public static final int OPENAI_RESPONSES_MAX = 64;
  /** The longest {@code toolUseId} Bedrock Converse takes. */
  public static final int BEDROCK_MAX = 64;
  /** The length of every Mistral call id. */
  public static final int MISTRAL_LENGTH = 9;

  private static final char[] BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private CallIds() {}

  /** Whether {@code dialect}'s provider takes {@code id} (an empty id is never taken). */
  public static boolean accepts(Dialect dialect, String id) {
    if (id.isEmpty()) {
      return false;
    }
    return switch (dialect) {
      case OPENAI_CHAT -> id.codePointCount(0, id.length()) <= OPENAI_CHAT_MAX;
      case OPENAI_RESPONSES -> id.codePointCount(0, id.length()) <= OPENAI_RESPONSES_MAX;
      case ANTHROPIC -> word(id, true);
      case BEDROCK_CONVERSE -> id.length() <= BEDROCK_MAX && word(id, true);
      case MISTRAL -> id.length() == MISTRAL_LENGTH && word(id, false);
      case GEMINI, OLLAMA -> true;
    };
  }

  /** The rule of {@code dialect}, in words. */
  public static String rule(Dialect dialect) {
    return switch (dialect) {
      case OPENAI_CHAT -> "at most " + OPENAI_CHAT_MAX + " characters";
      case OPENAI_RESPONSES -> "at most " + OPENAI_RESPONSES_MAX + " characters";
      case ANTHROPIC -> "letters, digits, _ and - only";
      case BEDROCK_CONVERSE -> "1 to " + BEDROCK_MAX + " letters, digits, _ and -";
      case MISTRAL -> "exactly " + MISTRAL_LENGTH + " letters and digits";
      case GEMINI, OLLAMA -> "any non-empty id (matched by position and name on the wire)";
    };
  }

  /**
   * A fresh id for {@code base} (the id to replace, possibly empty) that {@code dialect} takes and
   * {@code used} takes ({@code used.test} claims an id, false when it is taken). Without a dialect, or where the plain form fits, it is
   * {@code base_2}, {@code base_3}, … ({@code toolguard_call_2} for an empty base), as always; else it
   * is derived from {@code base} with SHA-256: Mistral nine base-62 characters, Bedrock and Anthropic
   * the base with other characters made {@code _} (cut to fit, with a hash), OpenAI the base cut with
   * a hash.
   */
  static String derive(@Nullable Dialect dialect, String base, Predicate<String> used) {
    if (dialect != Dialect.MISTRAL) {
      String stem = base.isEmpty() ? "toolguard_call" : base;
      for (int k = 2; ; k++) {
        String candidate = stem + "_" + k;
        if (dialect != null && !accepts(dialect, candidate)) {
          break;
        }
        if (used.test(candidate)) {
          return candidate;
        }
      }
    }
    if (dialect == Dialect.ANTHROPIC || dialect == Dialect.BEDROCK_CONVERSE) {
      // as toolguard-json's DialectLimits: the id with every other character made _, when free
      String clean = sanitized(base);
      if (accepts(dialect, clean) && used.test(clean)) {
        return clean;
      }
    }
    for (int k = 0; ; k++) {
      String candidate = hashed(dialect, base, k);
      if (accepts(dialect, candidate) && used.test(candidate)) {
        return candidate;
      }
    }
  }

  /**
   * The {@code k}-th hashed form of {@code base} in {@code dialect}. Only a base whose plain forms break
   * the rule comes here, so never an empty one (its plain form {@code toolguard_call_2} fits every rule),
   * and never for Gemini or Ollama, which take any id.
   */
  private static String hashed(Dialect dialect, String base, int k) {
    byte[] digest = sha256(k == 0 ? base : base + "#" + k);
    return switch (dialect) {
      case MISTRAL -> base62(digest, MISTRAL_LENGTH);
      case ANTHROPIC, BEDROCK_CONVERSE -> {
        String stem = sanitized(base);
        if (dialect == Dialect.BEDROCK_CONVERSE && stem.length() > BEDROCK_MAX - 9) {
          stem = stem.substring(0, BEDROCK_MAX - 9);
        }
        yield stem + "_" + hex(digest).substring(0, 8);
      }
      case OPENAI_CHAT, OPENAI_RESPONSES -> {
        int max = dialect == Dialect.OPENAI_CHAT ? OPENAI_CHAT_MAX : OPENAI_RESPONSES_MAX;
        int keep = Math.min(base.codePointCount(0, base.length()), max - 11);
        yield base.substring(0, base.offsetByCodePoints(0, keep)) + "_" + hex(digest).substring(0, 10);
      }
      case GEMINI, OLLAMA -> throw new IllegalStateException(dialect.id() + " takes any call id: nothing to hash");
    };
  }

  /**
   * A random id that {@code dialect} takes (null: any dialect but Mistral's): Mistral nine random
   * letters and digits (about 53 bits), Bedrock {@code tooluse_} and 22 (about 131 bits), the others
   * {@link Ids#callId()}.
   */
  public static String random(@Nullable Dialect dialect) {
    if (dialect == Dialect.MISTRAL) {
      return Ids.alphanumeric(MISTRAL_LENGTH);
    }
    if (dialect == Dialect.BEDROCK_CONVERSE) {
      return "tooluse_" + Ids.alphanumeric(22);
    }
    return Ids.callId();
  }

  /** {@code id} with every character outside {@code [a-zA-Z0-9_-]} made {@code _}. */
  private static String sanitized(String id) {
    StringBuilder sb = new StringBuilder(id.length());
    id.codePoints().forEach(cp -> sb.append(
        (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_' || cp == '-'
            ? (char) cp : '_'));
    return sb.toString();
  }

  private static boolean word(String id, boolean underscoreAndDash) {
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || (underscoreAndDash && (c == '_' || c == '-'));
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String base62(byte[] digest, int n) {
    char[] out = new char[n];
    java.math.BigInteger value = new java.math.BigInteger(1, digest);
    java.math.BigInteger radix = java.math.BigInteger.valueOf(62);
    for (int i = 0; i < n; i++) {
      java.math.BigInteger[] qr = value.divideAndRemainder(radix);
      out[i] = BASE62[qr[1].intValue()];
      value = qr[0];
    }
    return new String(out);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String hex(byte[] digest) {
    StringBuilder sb = new StringBuilder(digest.length * 2);
    for (byte b : digest) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }
}
