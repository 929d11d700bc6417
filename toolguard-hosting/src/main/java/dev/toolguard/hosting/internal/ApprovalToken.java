package dev.toolguard.hosting.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.loop.CallKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The id of a waiting call as the hosted endpoint hands it out ({@code mcp_approval_request.id}, or
 * a client-side {@code function_call.call_id}): a signed token that carries the conversation, the
 * call id, the tool, a fingerprint of the arguments, the nonce, issue and expiry times and why the
 * call waits, so that any instance can resume it without a side store.
 *
 * <p>Form: {@code PREFIX + base64url(payload JSON) + "." + base64url(HMAC-SHA256)}; the MAC covers
 * the prefix and the payload.
 *
 * @param conversation the conversation key the call waits in
 * @param callId the model's call id
 * @param tool the tool's name
 * @param fingerprint {@link CallKey#fingerprint} of the call (tool and canonical arguments)
 * @param nonce the waiting call's nonce
 * @param issuedAt when the loop made the request
 * @param expiresAt after when it may no longer be approved
 * @param kind why it waits ({@link Metadata#PENDING} value)
 * @param loopSignature the loop's own signature of the request, when the loop signs
 */
public record ApprovalToken(String conversation, String callId, String tool, String fingerprint, String nonce,
    Instant issuedAt, Instant expiresAt, String kind, @Nullable String loopSignature) {

  /** Prefix of an approval request id. */
  public static final String APPROVAL_PREFIX = "mcpr_";
  /** Prefix of a client-side call id. */
  public static final String CALL_PREFIX = "call_tg_";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The token of {@code request}, waiting in {@code conversation}. */
  public static ApprovalToken of(String conversation, ApprovalRequest request) {
    Map<String, Object> m = request.metadata();
    ToolCall call = request.call().asInvocable();
    Object nonce = m.get(Metadata.NONCE);
    Object kind = m.get(Metadata.PENDING);
    Object sig = m.get(Metadata.SIGNATURE);
    return new ApprovalToken(conversation, call.callId(), call.name(), CallKey.fingerprint(call),
        nonce == null ? "" : nonce.toString(), Instant.parse(String.valueOf(m.get(Metadata.ISSUED_AT))),
        Instant.parse(String.valueOf(m.get(Metadata.EXPIRES_AT))),
        kind == null ? Metadata.PENDING_APPROVAL : kind.toString(), sig == null ? null : sig.toString());
  }

  /** True for a call that waits for a human decision (an {@code mcp_approval_request}). */
  public boolean isApproval() {
    return Metadata.PENDING_APPROVAL.equals(kind);
  }

  /** The metadata of the waiting request this token stands for. */
  public Map<String, Object> requestMetadata() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(Metadata.PENDING, kind);
    m.put(Metadata.NONCE, nonce);
    m.put(Metadata.ISSUED_AT, issuedAt.toString());
    m.put(Metadata.EXPIRES_AT, expiresAt.toString());
    m.put(Metadata.CONVERSATION, CallKey.conversationDigest(conversation));
    if (loopSignature != null) {
      m.put(Metadata.SIGNATURE, loopSignature);
    }
    return m;
  }

  /** The journal key the loop claims this call under. */
  public CallKey callKey() {
    return new CallKey(CallKey.conversationDigest(conversation), callId, nonce, tool, fingerprint);
  }

  /** Signs and encodes tokens with one secret. */
  public static final class Codec {
    private final SecretKeySpec key;

    /** A codec with the application's secret (at least 32 bytes; checked by the caller). */
    public Codec(byte[] secret) {
      this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    /** The token as an id. */
    public String encode(ApprovalToken t) {
      ObjectNode n = JSON.createObjectNode();
      n.put("v", 1);
      n.put("k", t.conversation());
      n.put("c", t.callId());
      n.put("t", t.tool());
      n.put("f", t.fingerprint());
      n.put("n", t.nonce());
      n.put("i", t.issuedAt().toString());
      n.put("e", t.expiresAt().toString());
      n.put("p", t.kind());
      if (t.loopSignature() != null) {
        n.put("s", t.loopSignature());
      }
      String prefix = t.isApproval() ? APPROVAL_PREFIX : CALL_PREFIX;
      String body = prefix + b64(n.toString().getBytes(StandardCharsets.UTF_8));
      return body + "." + b64(mac(body));
    }

    /**
     * The token an id stands for, or null when the id is not one this server signed (malformed,
     * changed, made up, or signed with another secret).
     */
    public @Nullable ApprovalToken decode(String id) {
      if (id.length() > 4096 || !(id.startsWith(APPROVAL_PREFIX) || id.startsWith(CALL_PREFIX))) {
        return null;
      }
      int dot = id.lastIndexOf('.');
      if (dot < 0) {
        return null;
      }
      String body = id.substring(0, dot);
      byte[] given;
      try {
        given = Base64.getUrlDecoder().decode(id.substring(dot + 1));
      } catch (IllegalArgumentException e) {
        return null;
      }
      if (!MessageDigest.isEqual(mac(body), given)) {
        return null;
      }
      String prefix = body.startsWith(APPROVAL_PREFIX) ? APPROVAL_PREFIX : CALL_PREFIX;
      try {
        JsonNode n = JSON.readTree(Base64.getUrlDecoder().decode(body.substring(prefix.length())));
        JsonNode s = n.get("s");
        ApprovalToken t = new ApprovalToken(n.get("k").asText(), n.get("c").asText(), n.get("t").asText(),
            n.get("f").asText(), n.get("n").asText(), Instant.parse(n.get("i").asText()),
            Instant.parse(n.get("e").asText()), n.get("p").asText(), s == null ? null : s.asText());
        return (t.isApproval() == prefix.equals(APPROVAL_PREFIX)) ? t : null;
      } catch (java.io.IOException | RuntimeException e) {
        return null; // signed by us, so never reached unless the secret leaked; refuse it all the same
      }
    }

    private byte[] mac(String body) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(key);
        return mac.doFinal(("toolguard-hosting-token-v1\n" + body).getBytes(StandardCharsets.UTF_8));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
      }
    }

    private static String b64(byte[] bytes) {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
  }
}
