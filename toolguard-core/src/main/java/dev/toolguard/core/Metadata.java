package dev.toolguard.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Metadata keys that toolguard itself writes, and the copying rule for every metadata map.
 *
 * <p>Metadata maps carry provider attributes and unknown wire fields so that they survive a round
 * trip; their values are treated as opaque and immutable. Keys starting with {@code toolguard.}
 * are reserved for toolguard.
 */
public final class Metadata {

  /**
   * Set on a {@link ToolResult} that toolguard made up instead of a tool: its value says who made
   * it ({@link #SYNTHETIC_BY_REPAIR} or {@link #SYNTHETIC_BY_LOOP}).
   */
  public static final String SYNTHETIC = "toolguard.synthetic";

  /** Value of {@link #SYNTHETIC} for a result that {@link HistoryGuard#repair} synthesized. */
  public static final String SYNTHETIC_BY_REPAIR = "repair";

  /** Value of {@link #SYNTHETIC} for a result that the function-invoking loop synthesized. */
  public static final String SYNTHETIC_BY_LOOP = "loop";

  /** The call id that a call or result had before repair renamed or rebound it. */
  public static final String ORIGINAL_CALL_ID = "toolguard.originalCallId";

  /**
   * Set on an {@link ApprovalRequest} the loop suspended on: why it waits ({@link #PENDING_APPROVAL},
   * {@link #PENDING_CLIENT}, {@link #PENDING_UNKNOWN_TOOL} or {@link #PENDING_DEFERRED}).
   */
  public static final String PENDING = "toolguard.pending";

  /** The call waits for a human decision. */
  public static final String PENDING_APPROVAL = "approval";

  /** The call is of a client-side tool: the application runs it and answers with its output. */
  public static final String PENDING_CLIENT = "client";

  /** The call is of a tool the loop does not know, handed back to the application. */
  public static final String PENDING_UNKNOWN_TOOL = "unknown-tool";

  /** The call needs no approval but waits for the others of its answer; it runs on resume. */
  public static final String PENDING_DEFERRED = "deferred";

  /** The HMAC signature of an approval request, copied into its response (when signing is on). */
  public static final String SIGNATURE = "toolguard.signature";

  /**
   * Set on an {@link ApprovalRequest} the loop suspended on: a random nonce that makes the waiting
   * call one of its kind, even when the model reuses its id; the call journal keys the call by it.
   */
  public static final String NONCE = "toolguard.nonce";

  /** Set on an {@link ApprovalRequest}: when the loop issued it (ISO-8601 instant). */
  public static final String ISSUED_AT = "toolguard.issuedAt";

  /** Set on an {@link ApprovalRequest}: after when it may no longer be approved (ISO-8601 instant). */
  public static final String EXPIRES_AT = "toolguard.expiresAt";

  /**
   * Set on an {@link ApprovalRequest} made in a run with a conversation key: a digest of the key
   * ({@link dev.toolguard.core.loop.CallKey#conversationDigest}), so that the request answers nothing
   * in another conversation.
   */
  public static final String CONVERSATION = "toolguard.conversation";

  private Metadata() {}

  /**
   * Returns an unmodifiable copy of {@code metadata} that keeps its order.
   *
   * @throws InvalidMessageException if a key or a value is null
   */
  public static Map<String, Object> copyOf(@Nullable Map<String, ?> metadata, String where) {
    if (metadata == null || metadata.isEmpty()) {
      return Map.of();
    }
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(metadata.size() * 2);
    for (Map.Entry<String, ?> e : metadata.entrySet()) {
      if (e.getKey() == null) {
        throw new InvalidMessageException(where + ": metadata has a null key; use a non-null string key");
      }
      if (e.getValue() == null) {
        throw new InvalidMessageException(
            where + ": metadata value of '" + e.getKey() + "' is null; leave the key out instead");
      }
      copy.put(e.getKey(), e.getValue());
    }
    return Collections.unmodifiableMap(copy);
  }

  /** The class of a one-entry {@link Map#of}: immutable, ordered, free of nulls, so kept as it is. */
  private static final Class<?> MAP_OF_ONE = Map.of("", "").getClass();

  /**
   * {@link #copyOf(Map, String)} for the records, which name themselves by a type and an id: the
   * name is built only for an error, and an empty or one-entry {@link Map#of} map is kept as it is.
   */
  static Map<String, Object> copyOf(@Nullable Map<String, ?> metadata, String type, Object id) {
    if (metadata == null || metadata.isEmpty()) {
      return Map.of();
    }
    if (metadata.getClass() == MAP_OF_ONE) {
      @SuppressWarnings("unchecked")
      Map<String, Object> same = (Map<String, Object>) metadata;
      return same;
    }
    return copyOf(metadata, type.equals("Message") ? "Message(" + id + ")" : type + id);
  }

  /** Returns a copy of {@code metadata} with {@code key} set to {@code value}. */
  static Map<String, Object> with(Map<String, Object> metadata, String key, Object value) {
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(metadata);
    copy.put(key, value);
    return Collections.unmodifiableMap(copy);
  }
}
