package dev.toolguard.core.loop;

import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.internal.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * What a {@link CallJournal} entry is for: one waiting call of one conversation.
 *
 * <p>The journal's unique key is ({@link #conversation}, {@link #callId}, {@link #nonce}): call ids
 * from a model are not unique (many servers send {@code call_0} in every conversation, or none), so
 * an entry answers only the call of its own conversation, and the nonce that the loop gave the
 * waiting call when it stored it tells apart two calls that share an id within one conversation.
 * The {@link #fingerprint} (SHA-256 of tool name and canonical arguments) guards the entry against a
 * call that was changed under the same key.
 *
 * @param conversation the conversation key (a digest of it, see {@link #conversationDigest}); never
 *     the empty string: a run without a conversation key uses the nonce alone
 * @param callId the call id as it stands in the history
 * @param nonce the random nonce of the waiting call, or empty for a call stored by an older version
 * @param tool the tool name
 * @param fingerprint base64url SHA-256 of tool name and canonical arguments
 */
public record CallKey(String conversation, String callId, String nonce, String tool, String fingerprint) {

  /** The longest conversation digest, call id, nonce or tool name a key holds (for fixed-width columns). */
  public static final int MAX_LENGTH = 255;

  /** The conversation of a run without a conversation key: its waiting calls are told apart by nonce. */
  public static final String NO_CONVERSATION = "-";

  /** Checks every component. */
  public CallKey {
    require(conversation, "conversation");
    require(callId, "callId");
    if (nonce == null) {
      throw new InvalidMessageException("CallKey " + callId + ": nonce is null; use \"\" for none");
    }
    if (nonce.length() > MAX_LENGTH) {
      throw new InvalidMessageException("CallKey " + callId + ": nonce is " + nonce.length()
          + " characters long; at most " + MAX_LENGTH);
    }
    require(tool, "tool");
    require(fingerprint, "fingerprint");
  }

  private static void require(String value, String name) {
    if (value == null || value.isEmpty()) {
      throw new InvalidMessageException("CallKey: " + name + " is " + (value == null ? "null" : "empty")
          + "; every key names its conversation, call, tool and fingerprint");
    }
    if (value.length() > MAX_LENGTH) {
      throw new InvalidMessageException("CallKey: " + name + " is " + value.length() + " characters long; at most "
          + MAX_LENGTH + " (a longer call id or tool name cannot be journaled)");
    }
  }

  /**
   * The key of {@code call} waiting in conversation {@code conversationKey} (null for a run without a
   * key) under {@code nonce}.
   */
  public static CallKey of(@org.jspecify.annotations.Nullable String conversationKey, ToolCall call, String nonce) {
    String conversation = conversationKey == null ? NO_CONVERSATION : conversationDigest(conversationKey);
    return new CallKey(conversation, call.callId(), nonce, call.name(), fingerprint(call));
  }

  /**
   * The digest that stands for a conversation key in journal entries and approval requests:
   * base64url of the first 18 bytes of SHA-256 of the key (24 characters), so that a key (often a
   * user id) is never stored or sent as it is.
   */
  public static String conversationDigest(String conversationKey) {
    byte[] d = sha256("conversation\n" + conversationKey);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(d, 18));
  }

  /** Base64url SHA-256 of the call's tool name and its arguments as a canonical JSON value. */
  public static String fingerprint(ToolCall call) {
    String args = Json.canonical(call.argumentsJson());
    byte[] d = sha256(call.name() + '\u0000' + (args == null ? call.argumentsJson() : args));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
