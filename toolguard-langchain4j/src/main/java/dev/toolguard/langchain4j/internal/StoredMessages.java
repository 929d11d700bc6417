package dev.toolguard.langchain4j.internal;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.UserMessage;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Message;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LangChain4j messages as core messages a {@code ConversationStore} can keep (every value one the store's
 * codec writes), and back.
 *
 * <p>Storing: each message is mapped by {@link Messages#toCore(List)}; the LangChain4j objects riding
 * along ({@link Messages#SOURCE}) are left out, a non-text user content ({@link Messages#CONTENT}) is kept
 * as its LangChain4j JSON (kind {@link #CONTENT_JSON}), and the whole message as LangChain4j's own JSON
 * in the metadata {@link #MESSAGE_JSON}, for what core has no field for (a user's name, attributes, a
 * null error flag).
 *
 * <p>Loading: a message whose core form is what its LangChain4j JSON maps to comes back as that message,
 * equal to the one saved; a message changed in core since (by toolguard's loop or a repair that was
 * written back) is mapped from core, with the saved message's other fields kept.
 */
public final class StoredMessages {

  /** Core metadata: the whole LangChain4j message as {@code ChatMessageSerializer} writes it. */
  public static final String MESSAGE_JSON = "langchain4j.message";

  /** Opaque kind of a non-text user content as stored: the JSON of a user message holding only it. */
  public static final String CONTENT_JSON = "langchain4j.content.json";

  private StoredMessages() {}

  /** {@code messages} as core messages a store keeps. */
  public static List<Message> toStored(List<ChatMessage> messages) {
    List<Message> core = Messages.toCore(messages);
    List<Message> out = new ArrayList<>(core.size());
    for (int i = 0; i < core.size(); i++) {
      Message m = storable(core.get(i));
      Map<String, Object> meta = new LinkedHashMap<>(m.metadata());
      meta.put(MESSAGE_JSON, ChatMessageSerializer.messageToJson(messages.get(i)));
      out.add(new Message(m.role(), m.contents(), meta));
    }
    return out;
  }

  /** The LangChain4j messages of a stored history. */
  public static List<ChatMessage> fromStored(List<Message> stored) {
    List<Message> core = new ArrayList<>(stored.size());
    List<ChatMessage> out = new ArrayList<>(stored.size());
    for (Message m : stored) {
      Object json = m.metadata().get(MESSAGE_JSON);
      Map<String, Object> meta = new LinkedHashMap<>(m.metadata());
      meta.remove(MESSAGE_JSON);
      Message bare = restoreContents(new Message(m.role(), m.contents(), meta));
      ChatMessage original = json instanceof String s ? ChatMessageDeserializer.messageFromJson(s) : null;
      if (original != null && storable(Messages.toCore(original)).equals(storable(bare))) {
        out.add(original);
        core.add(null);
        continue;
      }
      if (original != null) {
        meta.put(Messages.SOURCE, original);
        bare = new Message(bare.role(), withSource(bare, original), meta);
      }
      out.add(null);
      core.add(bare);
    }
    // what changed in core since it was stored is mapped from core, the history at a time (client answers)
    List<ChatMessage> result = new ArrayList<>(out.size());
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i) != null) {
        result.add(out.get(i));
      } else {
        result.addAll(Messages.toLangChain4j(List.of(core.get(i))));
      }
    }
    return result;
  }

  /** A TOOL message's single result carries the saved message as its source, so its attributes stay. */
  private static List<Content> withSource(Message m, ChatMessage original) {
    if (m.role() != Role.TOOL || m.contents().size() != 1 || !(m.contents().get(0) instanceof ToolResult r)) {
      return m.contents();
    }
    Map<String, Object> meta = new LinkedHashMap<>(r.metadata());
    meta.put(Messages.SOURCE, original);
    return List.of(new ToolResult(r.callId(), r.name(), r.output(), r.error(), meta));
  }

  /** {@code m} without the LangChain4j objects riding along, its non-text user contents as JSON. */
  static Message storable(Message m) {
    List<Content> contents = new ArrayList<>(m.contents().size());
    for (Content c : m.contents()) {
      contents.add(storable(c));
    }
    return new Message(m.role(), contents, withoutSource(m.metadata()));
  }

  private static Content storable(Content c) {
    if (c instanceof ToolCall call) {
      return new ToolCall(call.callId(), call.name(), call.argumentsJson(), call.informational(),
          withoutSource(call.metadata()));
    }
    if (c instanceof ToolResult r) {
      return new ToolResult(r.callId(), r.name(), r.output(), r.error(), withoutSource(r.metadata()));
    }
    if (c instanceof ApprovalRequest r) {
      return new ApprovalRequest(r.callId(), (ToolCall) storable(r.call()), r.metadata());
    }
    if (c instanceof ApprovalResponse r) {
      return new ApprovalResponse(r.callId(), (ToolCall) storable(r.call()), r.decision(), r.metadata());
    }
    if (c instanceof Opaque o && Messages.CONTENT.equals(o.kind())
        && o.payload() instanceof dev.langchain4j.data.message.Content content) {
      return new Opaque(CONTENT_JSON, ChatMessageSerializer.messageToJson(UserMessage.from(List.of(content))),
          o.metadata());
    }
    return c;
  }

  private static Message restoreContents(Message m) {
    List<Content> contents = new ArrayList<>(m.contents().size());
    boolean changed = false;
    for (Content c : m.contents()) {
      if (c instanceof Opaque o && CONTENT_JSON.equals(o.kind()) && o.payload() instanceof String json) {
        if (!(ChatMessageDeserializer.messageFromJson(json) instanceof UserMessage u) || u.contents().size() != 1) {
          throw new InvalidMessageException("a stored LangChain4j content (" + CONTENT_JSON + ") is not a user"
              + " message with one content; it was changed outside toolguard");
        }
        contents.add(Opaque.of(Messages.CONTENT, u.contents().get(0)));
        changed = true;
      } else {
        contents.add(c);
      }
    }
    return changed ? new Message(m.role(), contents, m.metadata()) : m;
  }

  private static Map<String, Object> withoutSource(Map<String, Object> meta) {
    if (!meta.containsKey(Messages.SOURCE)) {
      return meta;
    }
    Map<String, Object> out = new LinkedHashMap<>(meta);
    out.remove(Messages.SOURCE);
    return out;
  }
}
