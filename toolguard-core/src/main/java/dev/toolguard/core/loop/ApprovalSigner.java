package dev.toolguard.core.loop;

import dev.toolguard.core.ToolCall;
import dev.toolguard.core.internal.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs approval requests with HMAC-SHA256 over call id, tool name and arguments, so that a
 * stateless server honours only responses to requests it made itself, with no store.
 */
public final class ApprovalSigner {

  private static final String ALGORITHM = "HmacSHA256";
  private final SecretKeySpec key;

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

  /** The signature of {@code call}: base64url of HMAC-SHA256(callId, name, canonical arguments). */
  public String sign(ToolCall call) {
    String args = Json.canonical(call.argumentsJson());
    String payload = call.callId() + '\n' + call.name() + '\n' + (args == null ? call.argumentsJson() : args);
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /** True when {@code signature} is the signature of {@code call} (compared in constant time). */
  public boolean verify(ToolCall call, String signature) {
    return MessageDigest.isEqual(sign(call).getBytes(StandardCharsets.UTF_8),
        signature.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "ApprovalSigner[HmacSHA256]";
  }
}
