package dev.toolguard.langchain4j.internal;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.CustomMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Message;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The two-way mapping between LangChain4j messages and the toolguard core model.
 *
 * <p>One LangChain4j message becomes one core message; the LangChain4j object it came from rides
 * along in the metadata ({@link #SOURCE}), so that mapping back gives the same object when nothing
 * changed, and an equal object with only the changed parts replaced when repair changed something.
 *
 * <ul>
 *   <li>{@code SystemMessage} → SYSTEM with one {@link Text}.
 *   <li>{@code UserMessage} → USER: each {@code TextContent} a {@link Text}, any other content an
 *       {@link Opaque} of kind {@link #CONTENT} carrying it, then the {@link ApprovalResponse}s stored in
 *       the attribute {@link Approvals#RESPONSES}.
 *   <li>{@code AiMessage} → ASSISTANT: the thinking as an {@link Opaque} of kind {@link #THINKING}, the
 *       text as a {@link Text}, then the tool calls with the {@link ApprovalRequest}s of the attribute
 *       {@link Approvals#REQUESTS} at their places; other attributes stay on the message.
 *   <li>{@code ToolExecutionResultMessage} → TOOL with one {@link ToolResult} (a null id becomes an
 *       empty one, {@code isError} becomes {@code error}; {@code toolguard.*} attributes become metadata);
 *       but one that answers a call waiting in an earlier {@code AiMessage} (a client-side tool) → USER
 *       with the {@link ApprovalResponse} "respond with this output", as the loop takes it.
 *   <li>{@code CustomMessage} → SYSTEM with one {@link Opaque} of kind {@link #CUSTOM}: it stays in place
 *       and is never taken for a user turn.
 * </ul>
 */
public final class Messages {

  /** Metadata key of the LangChain4j object a core message or content was made from (never persisted). */
  public static final String SOURCE = "langchain4j.source";

  /** Opaque kind of the thinking text of an {@code AiMessage}. */
  public static final String THINKING = "thinking";

  /** Opaque kind of a non-text content of a {@code UserMessage} (image, audio, video, PDF). */
  public static final String CONTENT = "langchain4j.content";

  /** Opaque kind of a {@code CustomMessage}; the payload is its attributes. */
  public static final String CUSTOM = "langchain4j.custom";

  private static final String TOOLGUARD_PREFIX = "toolguard.";

  private Messages() {}

  /**
   * The core history of {@code messages}, one core message per LangChain4j message.
   *
   * @throws InvalidMessageException if a message is null, of an unknown type, or carries approval
   *     attributes that toolguard did not write
   */
  public static List<Message> toCore(List<? extends ChatMessage> messages) {
    return toCore(messages, List.of(), 0);
  }

  /**
   * Like {@link #toCore(List)}, taking the core form of the first {@code reuse} messages from {@code
   * previous}: the core history of a list that started with the very same message instances (LangChain4j
   * messages are immutable, so their core forms are the same), as {@link CoreConversions} finds it.
   */
  static List<Message> toCore(List<? extends ChatMessage> given, List<Message> previous, int reuse) {
    if (given == null) {
      throw new InvalidMessageException("the list of LangChain4j messages is null");
    }
    // indexed below: a list without cheap get (a memory's LinkedList) is copied once
    List<? extends ChatMessage> messages = given instanceof java.util.RandomAccess ? given : new ArrayList<>(given);
    List<Message> out = new ArrayList<>(messages.size());
    Map<String, ApprovalRequest> waiting = new HashMap<>();
    for (int i = 0; i < reuse; i++) {
      // the calls still waiting after the reused messages, as converting them found them
      Message core = previous.get(i);
      if (core.metadata().get(SOURCE) instanceof ToolExecutionResultMessage t && t.id() != null
          && isClientAnswer(core, t)) {
        waiting.remove(t.id());
      }
      addWaiting(core, waiting);
      out.add(core);
    }
    for (int i = reuse; i < messages.size(); i++) {
      ChatMessage m = messages.get(i);
      if (m == null) {
        throw new InvalidMessageException("LangChain4j message " + i + " is null; leave it out");
      }
      Message core;
      if (m instanceof ToolExecutionResultMessage t && t.id() != null && waiting.containsKey(t.id())) {
        core = clientAnswer(t, waiting.remove(t.id()));
      } else {
        core = toCore(m);
      }
      addWaiting(core, waiting);
      out.add(core);
    }
    return out;
  }

  /** Adds the calls {@code core} leaves waiting (its approval requests, in an assistant message) to {@code waiting}. */
  private static void addWaiting(Message core, Map<String, ApprovalRequest> waiting) {
    if (core.role() == Role.ASSISTANT) {
      for (Content c : core.contents()) {
        if (c instanceof ApprovalRequest r) {
          waiting.put(r.callId(), r);
        }
      }
    }
  }

  /**
   * A {@code ToolExecutionResultMessage} that answers a call waiting in an earlier {@code AiMessage}
   * (a client-side tool the application ran): in the core model, the answer "respond with this
   * output" in a USER message. It is never sent to a provider, which does not know the waiting call.
   */
  private static Message clientAnswer(ToolExecutionResultMessage t, ApprovalRequest request) {
    ApprovalResponse answer = new ApprovalResponse(request.callId(), request.call(),
        new ApprovalResponse.Decision.Respond(output(t)), Map.of());
    return new Message(Role.USER, List.of(answer), Map.of(SOURCE, t));
  }

  private static boolean isClientAnswer(Message m, ToolExecutionResultMessage t) {
    return m.role() == Role.USER && m.contents().size() == 1
        && m.contents().get(0) instanceof ApprovalResponse r
        && r.callId().equals(t.id())
        && r.decision() instanceof ApprovalResponse.Decision.Respond respond
        && respond.output().equals(output(t));
  }

  /** The core message of one LangChain4j message. */
  public static Message toCore(ChatMessage message) {
    Map<String, Object> meta = Map.of(SOURCE, message);
    if (message instanceof SystemMessage s) {
      return new Message(Role.SYSTEM, List.of(Text.of(s.text())), meta);
    }
    if (message instanceof UserMessage u) {
      return new Message(Role.USER, userContents(u), meta);
    }
    if (message instanceof AiMessage a) {
      return new Message(Role.ASSISTANT, aiContents(a), meta);
    }
    if (message instanceof ToolExecutionResultMessage t) {
      return new Message(Role.TOOL, List.of(toolResult(t)), meta);
    }
    if (message instanceof CustomMessage c) {
      return new Message(Role.SYSTEM, List.of(Opaque.of(CUSTOM, c.attributes())), meta);
    }
    throw new InvalidMessageException("LangChain4j message of type " + message.getClass().getName()
        + " is none of SystemMessage, UserMessage, AiMessage, ToolExecutionResultMessage, CustomMessage");
  }

  private static List<Content> userContents(UserMessage u) {
    List<Content> out = new ArrayList<>();
    if (!Boolean.TRUE.equals(u.attributes().get(Approvals.ANSWERS_ONLY))) {
      for (dev.langchain4j.data.message.Content c : u.contents()) {
        out.add(c instanceof TextContent t ? Text.of(t.text()) : Opaque.of(CONTENT, c));
      }
    }
    out.addAll(Approvals.decodeResponses(u.attributes().get(Approvals.RESPONSES)));
    return out;
  }

  private static List<Content> aiContents(AiMessage a) {
    List<Content> out = new ArrayList<>();
    if (a.thinking() != null) {
      out.add(Opaque.of(THINKING, a.thinking()));
    }
    if (a.text() != null) {
      out.add(Text.of(a.text()));
    }
    List<Approvals.Placed> waiting = Approvals.decodeRequests(a.attributes().get(Approvals.REQUESTS));
    List<ToolExecutionRequest> requests = a.toolExecutionRequests();
    int total = requests.size() + waiting.size();
    int nextRequest = 0;
    int nextWaiting = 0;
    for (int position = 0; position < total; position++) {
      if (nextWaiting < waiting.size()
          && (waiting.get(nextWaiting).position() <= position || nextRequest >= requests.size())) {
        out.add(waiting.get(nextWaiting++).request());
      } else {
        out.add(toolCall(requests.get(nextRequest++)));
      }
    }
    return out;
  }

  private static ToolCall toolCall(ToolExecutionRequest r) {
    return new ToolCall(nullToEmpty(r.id()), nullToEmpty(r.name()), nullToEmpty(r.arguments()), false,
        Map.of(SOURCE, r));
  }

  private static ToolResult toolResult(ToolExecutionResultMessage t) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put(SOURCE, t);
    for (Map.Entry<String, Object> e : t.attributes().entrySet()) {
      if (e.getKey().startsWith(TOOLGUARD_PREFIX) && e.getValue() != null) {
        meta.put(e.getKey(), e.getValue());
      }
    }
    return new ToolResult(nullToEmpty(t.id()), t.toolName(), output(t), Boolean.TRUE.equals(t.isError()), meta);
  }

  /** The text of a tool result message: its text, or its text parts joined by newlines. */
  static String output(ToolExecutionResultMessage t) {
    if (t.hasSingleText()) {
      return t.text();
    }
    StringBuilder sb = new StringBuilder();
    for (dev.langchain4j.data.message.Content c : t.contents()) {
      if (c instanceof TextContent text) {
        if (sb.length() > 0) {
          sb.append('\n');
        }
        sb.append(text.text());
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- core -> LangChain4j

  /**
   * The LangChain4j messages of a core history: the original objects where nothing changed; a TOOL
   * message with several results becomes one {@code ToolExecutionResultMessage} per result.
   *
   * @throws InvalidMessageException if a core message cannot be expressed in LangChain4j
   */
  public static List<ChatMessage> toLangChain4j(List<Message> history) {
    List<ChatMessage> out = new ArrayList<>(history.size());
    for (Message m : history) {
      if (m.role() == Role.TOOL) {
        for (ToolResult r : m.toolResults()) {
          out.add(toResultMessage(r));
        }
      } else {
        out.add(toLangChain4j(m));
      }
    }
    return out;
  }

  /** The LangChain4j message of a core message that is not a TOOL message. */
  public static ChatMessage toLangChain4j(Message m) {
    Object source = m.metadata().get(SOURCE);
    if (source instanceof ToolExecutionResultMessage t && isClientAnswer(m, t)) {
      return t;
    }
    if (source instanceof ChatMessage original && toCore(original).equals(m)) {
      return original;
    }
    switch (m.role()) {
      case SYSTEM:
        return system(m, source);
      case USER:
        return user(m, source instanceof UserMessage u ? u : null);
      case ASSISTANT:
        return ai(m, source instanceof AiMessage a ? a : null);
      default:
        List<ToolResult> results = m.toolResults();
        if (results.size() != 1) {
          throw new InvalidMessageException("a TOOL message with " + results.size()
              + " results maps to as many ToolExecutionResultMessages; map the whole history instead");
        }
        return toResultMessage(results.get(0));
    }
  }

  private static ChatMessage system(Message m, @Nullable Object source) {
    for (Content c : m.contents()) {
      if (c instanceof Opaque o && CUSTOM.equals(o.kind())) {
        if (source instanceof CustomMessage custom && custom.attributes().equals(o.payload())) {
          return custom;
        }
        return CustomMessage.from(castMap(o.payload(), "the payload of a " + CUSTOM + " item"));
      }
    }
    String text = joinedText(m);
    if (text == null) {
      throw new InvalidMessageException("a SYSTEM message without text cannot be a LangChain4j SystemMessage");
    }
    return source instanceof SystemMessage s && s.text().equals(text) ? s : SystemMessage.from(text);
  }

  private static UserMessage user(Message m, @Nullable UserMessage source) {
    List<dev.langchain4j.data.message.Content> contents = new ArrayList<>();
    List<ApprovalResponse> responses = new ArrayList<>();
    for (Content c : m.contents()) {
      if (c instanceof Text t) {
        contents.add(TextContent.from(t.text()));
      } else if (c instanceof Opaque o && CONTENT.equals(o.kind())
          && o.payload() instanceof dev.langchain4j.data.message.Content content) {
        contents.add(content);
      } else if (c instanceof ApprovalResponse r) {
        responses.add(r);
      } else {
        throw cannotExpress(c, "UserMessage");
      }
    }
    Map<String, Object> attributes = new LinkedHashMap<>(source == null ? Map.of() : source.attributes());
    attributes.remove(Approvals.RESPONSES);
    attributes.remove(Approvals.ANSWERS_ONLY);
    if (!responses.isEmpty()) {
      attributes.put(Approvals.RESPONSES, Approvals.encodeResponses(responses));
    }
    if (contents.isEmpty()) {
      if (responses.isEmpty()) {
        throw new InvalidMessageException("a USER message without contents cannot be a LangChain4j UserMessage");
      }
      attributes.put(Approvals.ANSWERS_ONLY, true);
      contents.add(TextContent.from(answersText(responses)));
    }
    UserMessage.Builder b = source == null ? UserMessage.builder() : source.toBuilder();
    UserMessage built = b.contents(contents).attributes(attributes).build();
    return built.equals(source) ? source : built;
  }

  /** The placeholder text of a user message that carries answers only (never sent to a provider). */
  public static String answersText(List<ApprovalResponse> responses) {
    StringBuilder sb = new StringBuilder("[toolguard] ");
    for (int i = 0; i < responses.size(); i++) {
      ApprovalResponse r = responses.get(i);
      if (i > 0) {
        sb.append("; ");
      }
      sb.append(r.callId()).append(" (").append(r.call().name()).append("): ")
          .append(r.decision().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
    }
    return sb.toString();
  }

  private static AiMessage ai(Message m, @Nullable AiMessage source) {
    StringBuilder text = null;
    String thinking = null;
    List<ToolExecutionRequest> requests = new ArrayList<>();
    List<Approvals.Placed> waiting = new ArrayList<>();
    int position = 0;
    for (Content c : m.contents()) {
      if (c instanceof Text t) {
        text = text == null ? new StringBuilder(t.text()) : text.append('\n').append(t.text());
      } else if (c instanceof Opaque o && THINKING.equals(o.kind()) && o.payload() instanceof String s) {
        thinking = thinking == null ? s : thinking + s;
      } else if (c instanceof ToolCall call && !call.informational()) {
        requests.add(toRequest(call));
        position++;
      } else if (c instanceof ApprovalRequest r) {
        waiting.add(new Approvals.Placed(position++, r));
      } else {
        throw cannotExpress(c, "AiMessage");
      }
    }
    Map<String, Object> attributes = new LinkedHashMap<>(source == null ? Map.of() : source.attributes());
    attributes.remove(Approvals.REQUESTS);
    if (!waiting.isEmpty()) {
      attributes.put(Approvals.REQUESTS, Approvals.encodeRequests(waiting));
    }
    AiMessage.Builder b = source == null ? AiMessage.builder() : source.toBuilder();
    AiMessage built = b.text(text == null ? null : text.toString()).thinking(thinking)
        .toolExecutionRequests(requests).attributes(attributes).build();
    return built.equals(source) ? source : built;
  }

  /** The LangChain4j request of a core call: the original one when unchanged. */
  public static ToolExecutionRequest toRequest(ToolCall call) {
    Object source = call.metadata().get(SOURCE);
    if (source instanceof ToolExecutionRequest r) {
      String id = emptyToNullIf(call.callId(), r.id());
      String name = emptyToNullIf(call.name(), r.name());
      String arguments = emptyToNullIf(call.argumentsJson(), r.arguments());
      if (Objects.equals(id, r.id()) && Objects.equals(name, r.name()) && Objects.equals(arguments, r.arguments())) {
        return r;
      }
      return r.toBuilder().id(id).name(name).arguments(arguments).build();
    }
    return ToolExecutionRequest.builder().id(call.callId()).name(call.name()).arguments(call.argumentsJson()).build();
  }

  /** The LangChain4j result message of a core result: the original one when unchanged. */
  public static ToolExecutionResultMessage toResultMessage(ToolResult r) {
    Object source = r.metadata().get(SOURCE);
    Map<String, Object> toolguard = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : r.metadata().entrySet()) {
      Object v = e.getValue();
      if (e.getKey().startsWith(TOOLGUARD_PREFIX)
          && (v instanceof String || v instanceof Number || v instanceof Boolean)) {
        toolguard.put(e.getKey(), v);
      }
    }
    if (source instanceof ToolExecutionResultMessage t) {
      String id = emptyToNullIf(r.callId(), t.id());
      Map<String, Object> attributes = new HashMap<>(t.attributes());
      attributes.putAll(toolguard);
      boolean sameOutput = output(t).equals(r.output());
      boolean sameError = Boolean.TRUE.equals(t.isError()) == r.error();
      if (Objects.equals(id, t.id()) && attributes.equals(t.attributes()) && sameOutput && sameError
          && Objects.equals(r.name(), t.toolName())) {
        return t;
      }
      ToolExecutionResultMessage.Builder b = t.toBuilder().id(id).toolName(r.name()).attributes(attributes);
      if (!sameOutput) {
        b.contents(List.of(TextContent.from(r.output())));
      }
      if (!sameError) {
        b.isError(r.error());
      }
      return b.build();
    }
    return ToolExecutionResultMessage.builder().id(r.callId()).toolName(r.name()).text(r.output())
        .isError(r.error()).attributes(toolguard).build();
  }

  private static @Nullable String joinedText(Message m) {
    String text = null;
    for (Content c : m.contents()) {
      if (c instanceof Text t) {
        text = text == null ? t.text() : text + "\n" + t.text();
      }
    }
    return text;
  }

  private static String nullToEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  /** {@code value}, or null when it is empty and the original was null (a null the core model cannot hold). */
  private static @Nullable String emptyToNullIf(String value, @Nullable String original) {
    return value.isEmpty() && original == null ? null : value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object payload, String what) {
    if (!(payload instanceof Map<?, ?>)) {
      throw new InvalidMessageException(what + " is not a map");
    }
    return (Map<String, Object>) payload;
  }

  private static InvalidMessageException cannotExpress(Content c, String type) {
    String what = c instanceof Opaque o ? "an opaque item of kind '" + o.kind() + "'" : "a " + c.getClass().getSimpleName();
    return new InvalidMessageException(what + " cannot be expressed in a LangChain4j " + type);
  }
}
