package dev.toolguard.langchain4j.internal;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.ApprovalResponse.Decision;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.ToolCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Approval requests and responses as LangChain4j message attributes: lists of plain maps of strings,
 * numbers and booleans, so that they survive LangChain4j's own {@code ChatMessageSerializer} (JSON) and
 * any {@code ChatMemoryStore}.
 */
public final class Approvals {

  /** {@code AiMessage} attribute: the calls of the message that wait, as a list of maps. */
  public static final String REQUESTS = "toolguard.approvalRequests";

  /** {@code UserMessage} attribute: the answers to waiting calls, as a list of maps. */
  public static final String RESPONSES = "toolguard.approvalResponses";

  /**
   * {@code UserMessage} attribute: {@code true} when the message carries answers only and its text is
   * a placeholder (LangChain4j has no user message without contents); the text is never sent.
   */
  public static final String ANSWERS_ONLY = "toolguard.answersOnly";

  private static final String CALL_ID = "callId";
  private static final String NAME = "name";
  private static final String ARGUMENTS = "arguments";
  private static final String POSITION = "position";
  private static final String METADATA = "metadata";
  private static final String DECISION = "decision";
  private static final String EDITED_ARGUMENTS = "editedArguments";
  private static final String REASON = "reason";
  private static final String OUTPUT = "output";

  private static final String APPROVE = "approve";
  private static final String APPROVE_EDITED = "approve-edited";
  private static final String REJECT = "reject";
  private static final String RESPOND = "respond";

  private Approvals() {}

  /** A waiting call of an assistant message and its place among the message's calls. */
  public record Placed(int position, ApprovalRequest request) {}

  /** The attribute value for {@code requests}. */
  public static List<Map<String, Object>> encodeRequests(List<Placed> requests) {
    List<Map<String, Object>> out = new ArrayList<>(requests.size());
    for (Placed p : requests) {
      Map<String, Object> m = call(p.request().call());
      m.put(POSITION, p.position());
      putMetadata(m, p.request().metadata());
      out.add(m);
    }
    return out;
  }

  /** The attribute value for {@code responses}. */
  public static List<Map<String, Object>> encodeResponses(List<ApprovalResponse> responses) {
    List<Map<String, Object>> out = new ArrayList<>(responses.size());
    for (ApprovalResponse r : responses) {
      Map<String, Object> m = call(r.call());
      Decision d = r.decision();
      if (d instanceof Decision.Approve) {
        m.put(DECISION, APPROVE);
      } else if (d instanceof Decision.ApproveEdited edited) {
        m.put(DECISION, APPROVE_EDITED);
        m.put(EDITED_ARGUMENTS, edited.argumentsJson());
      } else if (d instanceof Decision.Reject reject) {
        m.put(DECISION, REJECT);
        if (reject.reason() != null) {
          m.put(REASON, reject.reason());
        }
      } else {
        m.put(DECISION, RESPOND);
        m.put(OUTPUT, ((Decision.Respond) d).output());
      }
      putMetadata(m, r.metadata());
      out.add(m);
    }
    return out;
  }

  /**
   * The waiting calls stored in an {@code AiMessage} attribute value.
   *
   * @throws InvalidMessageException naming the entry when the value is not what toolguard wrote
   */
  public static List<Placed> decodeRequests(@Nullable Object value) {
    List<Placed> out = new ArrayList<>();
    for (Map<?, ?> m : entries(value, REQUESTS)) {
      ToolCall call = decodeCall(m, REQUESTS);
      Object position = m.get(POSITION);
      if (!(position instanceof Number n)) {
        throw bad(REQUESTS, call.callId(), "'" + POSITION + "' is missing or not a number");
      }
      out.add(new Placed(n.intValue(), new ApprovalRequest(call.callId(), call, metadata(m, REQUESTS, call.callId()))));
    }
    return out;
  }

  /**
   * The answers stored in a {@code UserMessage} attribute value.
   *
   * @throws InvalidMessageException naming the entry when the value is not what toolguard wrote
   */
  public static List<ApprovalResponse> decodeResponses(@Nullable Object value) {
    List<ApprovalResponse> out = new ArrayList<>();
    for (Map<?, ?> m : entries(value, RESPONSES)) {
      ToolCall call = decodeCall(m, RESPONSES);
      String id = call.callId();
      String kind = string(m, DECISION, RESPONSES, id);
      Decision decision;
      switch (kind) {
        case APPROVE:
          decision = new Decision.Approve();
          break;
        case APPROVE_EDITED:
          decision = new Decision.ApproveEdited(string(m, EDITED_ARGUMENTS, RESPONSES, id));
          break;
        case REJECT:
          Object reason = m.get(REASON);
          decision = new Decision.Reject(reason == null ? null : reason.toString());
          break;
        case RESPOND:
          decision = new Decision.Respond(string(m, OUTPUT, RESPONSES, id));
          break;
        default:
          throw bad(RESPONSES, id, "unknown decision '" + kind + "'; use approve, approve-edited, reject or respond");
      }
      out.add(new ApprovalResponse(id, call, decision, metadata(m, RESPONSES, id)));
    }
    return out;
  }

  private static Map<String, Object> call(ToolCall call) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(CALL_ID, call.callId());
    m.put(NAME, call.name());
    m.put(ARGUMENTS, call.argumentsJson());
    return m;
  }

  /** Keeps the metadata values that JSON can carry (strings, numbers, booleans). */
  private static void putMetadata(Map<String, Object> m, Map<String, Object> metadata) {
    Map<String, Object> kept = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : metadata.entrySet()) {
      Object v = e.getValue();
      if (v instanceof String || v instanceof Number || v instanceof Boolean) {
        kept.put(e.getKey(), v);
      }
    }
    if (!kept.isEmpty()) {
      m.put(METADATA, kept);
    }
  }

  private static List<Map<?, ?>> entries(@Nullable Object value, String attribute) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new InvalidMessageException("attribute " + attribute + " is a " + value.getClass().getSimpleName()
          + ", not the list of maps toolguard writes; remove it or restore it from the store");
    }
    List<Map<?, ?>> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> m)) {
        throw new InvalidMessageException("attribute " + attribute + "[" + i + "] is not a map of the fields "
            + CALL_ID + ", " + NAME + " and " + ARGUMENTS);
      }
      out.add(m);
    }
    return out;
  }

  private static ToolCall decodeCall(Map<?, ?> m, String attribute) {
    Object id = m.get(CALL_ID);
    if (!(id instanceof String callId) || callId.isBlank()) {
      throw new InvalidMessageException("attribute " + attribute + " has an entry without a '" + CALL_ID
          + "'; every waiting call and every answer names its call id");
    }
    return new ToolCall(callId, string(m, NAME, attribute, callId), string(m, ARGUMENTS, attribute, callId), true,
        Map.of());
  }

  private static String string(Map<?, ?> m, String field, String attribute, String callId) {
    Object v = m.get(field);
    if (!(v instanceof String s)) {
      throw bad(attribute, callId, "'" + field + "' is missing or not a string");
    }
    return s;
  }

  private static Map<String, Object> metadata(Map<?, ?> m, String attribute, String callId) {
    Object v = m.get(METADATA);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> map)) {
      throw bad(attribute, callId, "'" + METADATA + "' is not a map");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (e.getKey() != null && e.getValue() != null) {
        out.put(e.getKey().toString(), e.getValue());
      }
    }
    return out;
  }

  private static InvalidMessageException bad(String attribute, String callId, String what) {
    return new InvalidMessageException("attribute " + attribute + ", entry for call " + callId + ": " + what
        + "; the entry was not written by toolguard or was changed in the store");
  }
}
