package dev.toolguard.core.loop;

import dev.toolguard.core.ToolCall;
import dev.toolguard.core.internal.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs approval requests with HMAC-SHA256, so that a stateless server honours only answers to
 * requests it made itself, with no store. A signature covers the conversation, the call (id, tool
 * name, canonical arguments), the request's nonce, and when it was issued and expires: it answers
 * nothing in another conversation, nothing after it expires, and — with the {@link CallJournal}'s
 * claim — nothing twice.
 */
public final class ApprovalSigner {

  private static final String ALGORITHM = "HmacSHA256";
  private final SecretKeySpec key;

  /**
   * What a signature covers.
   *
   * @param conversation the digest of the conversation key ({@link CallKey#conversationDigest}), or
   *     {@link CallKey#NO_CONVERSATION} for a run without one
   * @param call the waiting call
   * @param nonce the request's random nonce
   * @param issuedAt when the request was made
   * @param expiresAt after when it may no longer be approved
   */
  public record Subject(String conversation, ToolCall call, String nonce, Instant issuedAt, Instant expiresAt) {

    /** Checks that nothing is null. */
    public Subject {
      if (conversation == null || call == null || nonce == null || issuedAt == null || expiresAt == null) {
        throw new IllegalArgumentException("ApprovalSigner.Subject: conversation, call, nonce, issuedAt and"
            + " expiresAt are all required");
      }
    }

    String payload() {
      String args = Json.canonical(call.argumentsJson());
      return "toolguard-approval-v2\n" + conversation + '\n' + call.callId() + '\n' + call.name() + '\n'
          + (args == null ? call.argumentsJson() : args) + '\n' + nonce + '\n' + issuedAt + '\n' + expiresAt;
    }
  }

  private ApprovalSigner(byte[] key) {
    this.key = new SecretKeySpec(key, ALGORITHM);
  }

  /**
   * A signer with the application's secret {@code key} (at least 32 bytes).
   *
   * @throws IllegalArgumentException if the key is shorter
   */
  public static ApprovalSigner hmacSha256(byte[] key) {
    if (key == null || key.length < 32) {
      throw new IllegalArgumentException("the approval signing key must have at least 32 bytes, had "
          + (key == null ? "none" : key.length));
    }
    return new ApprovalSigner(key.clone());
  }

  /** The signature of {@code subject}: base64url of HMAC-SHA256 over all its parts. */
  public String sign(Subject subject) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(subject.payload().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /** True when {@code signature} is the signature of {@code subject} (compared in constant time). */
  public boolean verify(Subject subject, String signature) {
    return MessageDigest.isEqual(sign(subject).getBytes(StandardCharsets.UTF_8),
        signature.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "ApprovalSigner[HmacSHA256]";
  }
}
