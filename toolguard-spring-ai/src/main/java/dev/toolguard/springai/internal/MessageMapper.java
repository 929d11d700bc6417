package dev.toolguard.springai.internal;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.ApprovalResponse.Decision;
import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.ToolguardException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AbstractMessage;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.content.Media;

/**
 * Maps Spring AI messages to the core model and back, losslessly.
 *
 * <p>What Spring AI has no field for travels in the Spring message's metadata under {@code toolguard.}
 * keys, as plain JSON-friendly values (strings, booleans, numbers, lists, maps), so that any chat
 * memory repository that keeps metadata keeps it too: approval requests of an assistant message
 * (they stand in place of calls and are never in {@code getToolCalls()}, so a bare Spring AI
 * pipeline never sends a call without a result), approval responses of a user message, the error
 * flag and metadata of tool results, and metadata of tool calls. What core has no field for (the
 * Spring AI tool call type, metadata keys with null values, media) travels in core metadata and
 * {@link Opaque} contents.
 *
 * <p>An instance remembers which core message it made from which Spring AI message: a core message
 * that comes back unchanged maps back to the very same Spring AI instance, so an unchanged history
 * comes back unchanged. Use one instance per run; it is not thread-safe.
 */
public final class MessageMapper {

  /** Spring metadata: the approval requests of an assistant message (a list of maps). */
  public static final String APPROVAL_REQUESTS = "toolguard.approvalRequests";

  /** Spring metadata: the approval responses of a user message (a list of maps). */
  public static final String APPROVAL_RESPONSES = "toolguard.approvalResponses";

  /** Spring metadata: metadata of the tool calls of an assistant message (a list of maps with an index). */
  public static final String TOOL_CALLS = "toolguard.toolCalls";

  /** Spring metadata: error flag and metadata of the results of a tool message (a list of maps with an index). */
  public static final String TOOL_RESULTS = "toolguard.toolResults";

  /** Spring metadata: the core message had no text, though Spring AI needs one (an empty string). */
  public static final String NO_TEXT = "toolguard.noText";

  /** Spring metadata: opaque core items that Spring AI has no place for (a list of maps). */
  public static final String OPAQUE = "toolguard.opaque";

  /** Core metadata: metadata keys of the Spring message whose value was null. */
  public static final String NULL_KEYS = "spring-ai.nullKeys";

  /** Core tool call metadata: the Spring AI tool call type when it is not {@code function}. */
  public static final String CALL_TYPE = "spring-ai.type";

  /** Core tool call metadata: the arguments as Spring AI had them when they were blank (now {@code {}}). */
  public static final String BLANK_ARGUMENTS = "spring-ai.arguments";

  /** Kind of the {@link Opaque} content that carries a Spring AI {@link Media}. */
  public static final String MEDIA = "spring-ai.media";

  private static final String FUNCTION = "function";

  private final Map<Message, org.springframework.ai.chat.messages.Message> origins = new IdentityHashMap<>();

  /** The core history of a Spring AI history. */
  public List<Message> toCore(List<? extends org.springframework.ai.chat.messages.Message> messages) {
    List<Message> out = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      org.springframework.ai.chat.messages.Message m = messages.get(i);
      if (m == null) {
        throw new ToolguardException("Spring AI message " + i + " of the history is null; leave it out");
      }
      out.add(toCore(m, i));
    }
    return out;
  }

  /** The core message of one Spring AI message; {@code index} only names it in errors. */
  public Message toCore(org.springframework.ai.chat.messages.Message m, int index) {
    String where = "Spring AI message " + index + " (" + m.getMessageType() + ")";
    Map<String, Object> meta = new LinkedHashMap<>();
    List<String> nullKeys = new ArrayList<>();
    Map<String, @Nullable Object> own = new HashMap<>();
    for (Map.Entry<String, Object> e : m.getMetadata().entrySet()) {
      String key = e.getKey();
      Object value = e.getValue();
      if (key == null || AbstractMessage.MESSAGE_TYPE.equals(key)) {
        continue;
      }
      if (key.equals(APPROVAL_REQUESTS) || key.equals(APPROVAL_RESPONSES) || key.equals(TOOL_CALLS)
          || key.equals(TOOL_RESULTS) || key.equals(NO_TEXT) || key.equals(OPAQUE)) {
        own.put(key, value);
      } else if (value == null) {
        nullKeys.add(key);
      } else {
        meta.put(key, value);
      }
    }
    if (!nullKeys.isEmpty()) {
      meta.put(NULL_KEYS, List.copyOf(nullKeys));
    }
    boolean noText = Boolean.TRUE.equals(own.get(NO_TEXT)) || "true".equals(String.valueOf(own.get(NO_TEXT)));
    String text = m.getText();
    List<Content> contents = new ArrayList<>();
    Role role;
    MessageType type = m.getMessageType();
    if (type == MessageType.SYSTEM) {
      role = Role.SYSTEM;
      addText(contents, text, noText);
      addOpaque(contents, own.get(OPAQUE), where);
    } else if (type == MessageType.USER) {
      role = Role.USER;
      addText(contents, text, noText);
      if (m instanceof UserMessage user) {
        for (Media media : user.getMedia()) {
          contents.add(Opaque.of(MEDIA, media));
        }
      }
      addOpaque(contents, own.get(OPAQUE), where);
      for (Map<String, Object> r : maps(own.get(APPROVAL_RESPONSES), APPROVAL_RESPONSES, where)) {
        contents.add(approvalResponse(r, where));
      }
    } else if (type == MessageType.ASSISTANT) {
      role = Role.ASSISTANT;
      addText(contents, text, noText);
      if (m instanceof AssistantMessage assistant) {
        for (Media media : assistant.getMedia()) {
          contents.add(Opaque.of(MEDIA, media));
        }
        addOpaque(contents, own.get(OPAQUE), where);
        contents.addAll(callSlots(assistant, own, where));
      } else {
        addOpaque(contents, own.get(OPAQUE), where);
      }
    } else {
      role = Role.TOOL;
      if (m instanceof ToolResponseMessage tool) {
        Map<Integer, Map<String, Object>> extra = byIndex(own.get(TOOL_RESULTS), TOOL_RESULTS, where);
        List<ToolResponseMessage.ToolResponse> responses = tool.getResponses();
        for (int i = 0; i < responses.size(); i++) {
          ToolResponseMessage.ToolResponse r = responses.get(i);
          if (r == null) {
            throw new ToolguardException(where + ": tool response " + i + " is null; leave it out");
          }
          Map<String, Object> x = extra.getOrDefault(i, Map.of());
          contents.add(new ToolResult(orEmpty(r.id()), r.name(), orEmpty(r.responseData()),
              Boolean.TRUE.equals(x.get("error")), metadataOf(x.get("metadata"), where)));
        }
      }
    }
    Message core = new Message(role, contents, meta);
    origins.put(core, m);
    return core;
  }

  /** The Spring AI history of a core history; unchanged messages come back as the same instances. */
  public List<org.springframework.ai.chat.messages.Message> toSpring(List<Message> history) {
    List<org.springframework.ai.chat.messages.Message> out = new ArrayList<>(history.size());
    for (Message m : history) {
      out.add(toSpring(m));
    }
    return out;
  }

  /** The Spring AI message of one core message. */
  public org.springframework.ai.chat.messages.Message toSpring(Message m) {
    org.springframework.ai.chat.messages.Message origin = origins.get(m);
    if (origin != null) {
      return origin;
    }
    Map<String, Object> meta = new HashMap<>();
    Object nullKeys = null;
    for (Map.Entry<String, Object> e : m.metadata().entrySet()) {
      if (e.getKey().equals(NULL_KEYS)) {
        nullKeys = e.getValue();
      } else {
        meta.put(e.getKey(), e.getValue());
      }
    }
    if (nullKeys instanceof List<?> keys) {
      for (Object k : keys) {
        meta.put(String.valueOf(k), null);
      }
    }
    StringBuilder text = new StringBuilder();
    boolean hasText = false;
    List<Media> media = new ArrayList<>();
    List<Map<String, Object>> opaque = new ArrayList<>();
    List<AssistantMessage.ToolCall> calls = new ArrayList<>();
    List<Map<String, Object>> callMeta = new ArrayList<>();
    List<Map<String, Object>> requests = new ArrayList<>();
    List<Map<String, Object>> responses = new ArrayList<>();
    List<ToolResponseMessage.ToolResponse> results = new ArrayList<>();
    List<Map<String, Object>> resultMeta = new ArrayList<>();
    int slot = 0;
    for (Content c : m.contents()) {
      if (c instanceof Text t) {
        if (hasText) {
          text.append('\n');
        }
        text.append(t.text());
        hasText = true;
      } else if (c instanceof Opaque o) {
        if (MEDIA.equals(o.kind()) && o.payload() instanceof Media md) {
          media.add(md);
        } else {
          Map<String, Object> item = new LinkedHashMap<>();
          item.put("kind", o.kind());
          item.put("payload", o.payload());
          putIfNotEmpty(item, "metadata", o.metadata());
          opaque.add(item);
        }
      } else if (c instanceof ToolCall call) {
        Map<String, Object> cm = new LinkedHashMap<>(call.metadata());
        Object type = cm.remove(CALL_TYPE);
        Object blank = cm.remove(BLANK_ARGUMENTS);
        String args = blank instanceof String b && "{}".equals(call.argumentsJson()) ? b : call.argumentsJson();
        calls.add(new AssistantMessage.ToolCall(call.callId(), type instanceof String s ? s : FUNCTION, call.name(),
            args));
        if (!cm.isEmpty() || call.informational()) {
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("index", calls.size() - 1);
          putIfNotEmpty(entry, "metadata", cm);
          if (call.informational()) {
            entry.put("informational", true);
          }
          callMeta.add(entry);
        }
        slot++;
      } else if (c instanceof ApprovalRequest r) {
        Map<String, Object> entry = callMap(r.call());
        entry.put("index", slot);
        putIfNotEmpty(entry, "metadata", r.metadata());
        requests.add(entry);
        slot++;
      } else if (c instanceof ApprovalResponse r) {
        Map<String, Object> entry = callMap(r.call());
        Decision d = r.decision();
        if (d instanceof Decision.Approve) {
          entry.put("decision", "approve");
        } else if (d instanceof Decision.ApproveEdited edited) {
          entry.put("decision", "approveEdited");
          entry.put("value", edited.argumentsJson());
        } else if (d instanceof Decision.Reject reject) {
          entry.put("decision", "reject");
          if (reject.reason() != null) {
            entry.put("value", reject.reason());
          }
        } else {
          entry.put("decision", "respond");
          entry.put("value", ((Decision.Respond) d).output());
        }
        putIfNotEmpty(entry, "metadata", r.metadata());
        responses.add(entry);
      } else if (c instanceof ToolResult r) {
        results.add(new ToolResponseMessage.ToolResponse(r.callId(), r.name(), r.output()));
        if (r.error() || !r.metadata().isEmpty()) {
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("index", results.size() - 1);
          if (r.error()) {
            entry.put("error", true);
          }
          putIfNotEmpty(entry, "metadata", r.metadata());
          resultMeta.add(entry);
        }
      }
    }
    putIfNotEmpty(meta, OPAQUE, opaque);
    switch (m.role()) {
      case SYSTEM:
        markNoText(meta, hasText);
        return SystemMessage.builder().text(text.toString()).metadata(meta).build();
      case USER:
        markNoText(meta, hasText);
        putIfNotEmpty(meta, APPROVAL_RESPONSES, responses);
        return UserMessage.builder().text(text.toString()).media(media).metadata(meta).build();
      case ASSISTANT:
        putIfNotEmpty(meta, APPROVAL_REQUESTS, requests);
        putIfNotEmpty(meta, TOOL_CALLS, callMeta);
        return AssistantMessage.builder()
            .content(hasText ? text.toString() : null)
            .properties(meta)
            .toolCalls(calls)
            .media(media)
            .build();
      default:
        putIfNotEmpty(meta, TOOL_RESULTS, resultMeta);
        return ToolResponseMessage.builder().responses(results).metadata(meta).build();
    }
  }

  // ---- Spring → core helpers

  private static void addText(List<Content> contents, @Nullable String text, boolean noText) {
    if (text != null && !(noText && text.isEmpty())) {
      contents.add(Text.of(text));
    }
  }

  private static void addOpaque(List<Content> contents, @Nullable Object value, String where) {
    for (Map<String, Object> o : maps(value, OPAQUE, where)) {
      Object kind = o.get("kind");
      Object payload = o.get("payload");
      if (!(kind instanceof String k) || payload == null) {
        throw new ToolguardException(where + ": an entry of metadata '" + OPAQUE
            + "' has no 'kind' string or no 'payload'; it was changed outside toolguard");
      }
      contents.add(new Opaque(k, payload, metadataOf(o.get("metadata"), where)));
    }
  }

  /** The calls and approval requests of an assistant message, each approval request in its slot. */
  private static List<Content> callSlots(AssistantMessage assistant, Map<String, @Nullable Object> own, String where) {
    Map<Integer, Map<String, Object>> callExtra = byIndex(own.get(TOOL_CALLS), TOOL_CALLS, where);
    List<Content> calls = new ArrayList<>();
    List<AssistantMessage.ToolCall> springCalls = assistant.getToolCalls();
    for (int i = 0; i < springCalls.size(); i++) {
      AssistantMessage.ToolCall c = springCalls.get(i);
      if (c == null) {
        throw new ToolguardException(where + ": tool call " + i + " is null; leave it out");
      }
      Map<String, Object> extra = callExtra.getOrDefault(i, Map.of());
      Map<String, Object> cm = new LinkedHashMap<>(metadataOf(extra.get("metadata"), where));
      if (c.type() != null && !FUNCTION.equals(c.type())) {
        cm.put(CALL_TYPE, c.type());
      }
      String args = c.arguments();
      if (args == null || args.isBlank()) {
        cm.put(BLANK_ARGUMENTS, args == null ? "" : args);
        args = "{}";
      }
      boolean informational = Boolean.TRUE.equals(extra.get("informational"));
      calls.add(new ToolCall(orEmpty(c.id()), orEmpty(c.name()), args, informational, cm));
    }
    List<Map<String, Object>> requests = maps(own.get(APPROVAL_REQUESTS), APPROVAL_REQUESTS, where);
    if (requests.isEmpty()) {
      return calls;
    }
    List<Content> slots = new ArrayList<>(calls);
    List<int[]> order = new ArrayList<>();
    for (int k = 0; k < requests.size(); k++) {
      Object idx = requests.get(k).get("index");
      order.add(new int[] {idx instanceof Number n ? n.intValue() : Integer.MAX_VALUE, k});
    }
    order.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
    for (int[] o : order) {
      Map<String, Object> r = requests.get(o[1]);
      ToolCall call = call(r, where, APPROVAL_REQUESTS);
      ApprovalRequest request = new ApprovalRequest(call.callId(), call, metadataOf(r.get("metadata"), where));
      slots.add(Math.min(Math.max(o[0], 0), slots.size()), request);
    }
    return slots;
  }

  private static ApprovalResponse approvalResponse(Map<String, Object> r, String where) {
    ToolCall call = call(r, where, APPROVAL_RESPONSES);
    Object decision = r.get("decision");
    Object value = r.get("value");
    Decision d;
    if ("approve".equals(decision)) {
      d = new Decision.Approve();
    } else if ("approveEdited".equals(decision) && value instanceof String args) {
      d = new Decision.ApproveEdited(args);
    } else if ("reject".equals(decision)) {
      d = new Decision.Reject(value instanceof String reason ? reason : null);
    } else if ("respond".equals(decision) && value instanceof String output) {
      d = new Decision.Respond(output);
    } else {
      throw new ToolguardException(where + ": the approval response for call " + call.callId()
          + " has decision '" + decision + "'" + (value == null ? " without a value" : "")
          + "; expected approve, approveEdited (with the arguments), reject or respond (with the output)");
    }
    return new ApprovalResponse(call.callId(), call, d, metadataOf(r.get("metadata"), where));
  }

  private static ToolCall call(Map<String, Object> r, String where, String key) {
    Object id = r.get("callId");
    Object name = r.get("name");
    Object args = r.get("arguments");
    if (!(id instanceof String i) || i.isBlank() || !(name instanceof String n) || !(args instanceof String a)) {
      throw new ToolguardException(where + ": an entry of metadata '" + key + "' lacks callId, name or arguments"
          + " (found callId=" + id + ", name=" + name + "); it was changed outside toolguard");
    }
    return new ToolCall(i, n, a, true, metadataOf(r.get("callMetadata"), where));
  }

  private static List<Map<String, Object>> maps(@Nullable Object value, String key, String where) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new ToolguardException(where + ": metadata '" + key + "' is a " + value.getClass().getSimpleName()
          + ", expected a list of maps; it was changed outside toolguard");
    }
    List<Map<String, Object>> out = new ArrayList<>(list.size());
    for (Object o : list) {
      if (!(o instanceof Map<?, ?> map)) {
        throw new ToolguardException(where + ": an entry of metadata '" + key + "' is not a map"
            + "; it was changed outside toolguard");
      }
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (e.getKey() != null && e.getValue() != null) {
          copy.put(String.valueOf(e.getKey()), e.getValue());
        }
      }
      out.add(copy);
    }
    return out;
  }

  private static Map<Integer, Map<String, Object>> byIndex(@Nullable Object value, String key, String where) {
    Map<Integer, Map<String, Object>> out = new HashMap<>();
    for (Map<String, Object> m : maps(value, key, where)) {
      if (m.get("index") instanceof Number n) {
        out.put(n.intValue(), m);
      }
    }
    return out;
  }

  private static Map<String, Object> metadataOf(@Nullable Object value, String where) {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new ToolguardException(where + ": a toolguard 'metadata' entry is a " + value.getClass().getSimpleName()
          + ", expected a map; it was changed outside toolguard");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (e.getKey() != null && e.getValue() != null) {
        out.put(String.valueOf(e.getKey()), e.getValue());
      }
    }
    return out;
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  // ---- core → Spring helpers

  private static Map<String, Object> callMap(ToolCall call) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("callId", call.callId());
    entry.put("name", call.name());
    entry.put("arguments", call.argumentsJson());
    putIfNotEmpty(entry, "callMetadata", call.metadata());
    return entry;
  }

  private static void markNoText(Map<String, Object> meta, boolean hasText) {
    if (!hasText) {
      meta.put(NO_TEXT, true);
    }
  }

  private static void putIfNotEmpty(Map<String, Object> target, String key, Map<String, Object> value) {
    if (!value.isEmpty()) {
      target.put(key, new LinkedHashMap<>(value));
    }
  }

  private static void putIfNotEmpty(Map<String, Object> target, String key, List<Map<String, Object>> value) {
    if (!value.isEmpty()) {
      target.put(key, List.copyOf(value));
    }
  }
}
