package dev.toolguard.openai.internal;

import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam.Content.ChatCompletionRequestAssistantMessageContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionDeveloperMessageParam;
import com.openai.models.chat.completions.ChatCompletionMessageCustomToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionSystemMessageParam;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;
import dev.toolguard.core.Content;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Message;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.ProviderView;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Chat Completions messages to the core model and back.
 *
 * <p>One param is one message, except that a TOOL message may hold several results (one tool
 * param each). Every message and result keeps the param it was read from; a message whose contents
 * are still what that param gives goes back as the same param object, and a changed one is rebuilt
 * from that param's builder, so fields core does not model (name, refusal, audio, additional
 * properties) stay.
 */
public final class ChatMapper {

  private ChatMapper() {}

  // ------------------------------------------------------------------------------ to core

  /** The core history of {@code params}, one message per param. */
  public static List<Message> toCore(List<ChatCompletionMessageParam> params) {
    List<Message> out = new ArrayList<>(params.size());
    for (int i = 0; i < params.size(); i++) {
      ChatCompletionMessageParam p = params.get(i);
      if (p == null) {
        throw new InvalidMessageException("messages[" + i + "] is null; a Chat Completions request holds no null"
            + " messages");
      }
      out.add(toCore(p));
    }
    return out;
  }

  /** The core message of one param. */
  public static Message toCore(ChatCompletionMessageParam p) {
    Map<String, Object> meta = Map.of(Keys.CHAT_MESSAGE, p);
    if (p.isTool()) {
      return new Message(Role.TOOL, List.of(result(p)), Map.of());
    }
    return new Message(role(p), contents(p), meta);
  }

  private static Role role(ChatCompletionMessageParam p) {
    if (p.isAssistant()) {
      return Role.ASSISTANT;
    } else if (p.isSystem() || p.isDeveloper()) {
      return Role.SYSTEM;
    }
    return Role.USER; // user, the deprecated function role, and unknown roles
  }

  private static ToolResult result(ChatCompletionMessageParam p) {
    ChatCompletionToolMessageParam t = p.asTool();
    String callId = t._toolCallId().asKnown().orElse("");
    return new ToolResult(callId, null, toolOutput(t), false, Map.of(Keys.CHAT_MESSAGE, p));
  }

  private static String toolOutput(ChatCompletionToolMessageParam t) {
    Optional<ChatCompletionToolMessageParam.Content> content = t._content().asKnown();
    if (content.isEmpty()) {
      return t._content().asUnknown().map(Object::toString).orElse("");
    }
    ChatCompletionToolMessageParam.Content c = content.get();
    if (c.isText()) {
      return c.asText();
    }
    if (c.isArrayOfContentParts()) {
      StringBuilder sb = new StringBuilder();
      for (ChatCompletionContentPartText part : c.asArrayOfContentParts()) {
        sb.append(part._text().asKnown().orElse(""));
      }
      return sb.toString();
    }
    return c._json().map(Object::toString).orElse("");
  }

  /** What core sees of a non-tool param; never empty. */
  private static List<Content> contents(ChatCompletionMessageParam p) {
    List<Content> out = new ArrayList<>(2);
    if (p.isAssistant()) {
      assistantContents(p.asAssistant(), out);
    } else if (p.isUser()) {
      p.asUser()._content().asKnown().ifPresent(c -> {
        if (c.isText()) {
          out.add(Text.of(c.asText()));
        } else if (c.isArrayOfContentParts()) {
          for (ChatCompletionContentPart part : c.asArrayOfContentParts()) {
            if (part.isText()) {
              out.add(Text.of(part.asText()._text().asKnown().orElse("")));
            } else {
              out.add(Opaque.of(Keys.CHAT_USER_PART, part));
            }
          }
        }
      });
    } else if (p.isSystem()) {
      p.asSystem()._content().asKnown().ifPresent(c -> textContents(c.text(), c.arrayOfContentParts(), out));
    } else if (p.isDeveloper()) {
      p.asDeveloper()._content().asKnown().ifPresent(c -> textContents(c.text(), c.arrayOfContentParts(), out));
    }
    if (out.isEmpty()) {
      out.add(Opaque.of(Keys.CHAT_MESSAGE, p)); // nothing core models: the param travels whole
    }
    return out;
  }

  private static void textContents(
      Optional<String> text, Optional<List<ChatCompletionContentPartText>> parts, List<Content> out) {
    if (text.isPresent()) {
      out.add(Text.of(text.get()));
    } else if (parts.isPresent()) {
      for (ChatCompletionContentPartText part : parts.get()) {
        out.add(Text.of(part._text().asKnown().orElse("")));
      }
    }
  }

  private static void assistantContents(ChatCompletionAssistantMessageParam a, List<Content> out) {
    a._content().asKnown().ifPresent(c -> {
      if (c.isText()) {
        out.add(Text.of(c.asText()));
      } else if (c.isArrayOfContentParts()) {
        for (ChatCompletionRequestAssistantMessageContentPart part : c.asArrayOfContentParts()) {
          if (part.isText()) {
            out.add(Text.of(part.asText()._text().asKnown().orElse("")));
          } else {
            out.add(Opaque.of(Keys.CHAT_ASSISTANT_PART, part));
          }
        }
      }
    });
    a._toolCalls().asKnown().ifPresent(calls -> {
      for (ChatCompletionMessageToolCall tc : calls) {
        out.add(toolCall(tc));
      }
    });
  }

  private static Content toolCall(ChatCompletionMessageToolCall tc) {
    Map<String, Object> meta = Map.of(Keys.CHAT_TOOL_CALL, tc);
    if (tc.isFunction()) {
      ChatCompletionMessageFunctionToolCall f = tc.asFunction();
      String id = f._id().asKnown().orElse("");
      var fn = f._function().asKnown();
      String name = fn.flatMap(x -> x._name().asKnown()).orElse("");
      String args = fn.flatMap(x -> x._arguments().asKnown()).orElse("");
      return new ToolCall(id, name, args, false, meta);
    }
    if (tc.isCustom()) {
      ChatCompletionMessageCustomToolCall c = tc.asCustom();
      String id = c._id().asKnown().orElse("");
      var custom = c._custom().asKnown();
      String name = custom.flatMap(x -> x._name().asKnown()).orElse("");
      String input = custom.flatMap(x -> x._input().asKnown()).orElse("");
      return new ToolCall(id, name, input, false, meta);
    }
    return Opaque.of(Keys.CHAT_OTHER_TOOL_CALL, tc);
  }

  // ------------------------------------------------------------------------------ to wire

  /**
   * The params of {@code history}; informational contents (approvals) are left out. An unchanged
   * message is its original param.
   */
  public static List<ChatCompletionMessageParam> toWire(List<Message> history) {
    List<ChatCompletionMessageParam> out = new ArrayList<>(history.size() + 2);
    for (Message m : history) {
      if (m.role() == Role.TOOL) {
        for (Content c : m.contents()) {
          out.add(toWire((ToolResult) c));
        }
        continue;
      }
      ChatCompletionMessageParam p = toWire(m);
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  private static ChatCompletionMessageParam toWire(ToolResult r) {
    ChatCompletionMessageParam original = original(r.metadata());
    if (original != null && original.isTool()) {
      ChatCompletionToolMessageParam t = original.asTool();
      boolean sameId = r.callId().equals(t._toolCallId().asKnown().orElse(null));
      boolean sameOutput = r.output().equals(toolOutput(t));
      if (sameId && sameOutput) {
        return original;
      }
      ChatCompletionToolMessageParam.Builder b = t.toBuilder().toolCallId(r.callId());
      if (!sameOutput) {
        b.content(r.output());
      }
      return ChatCompletionMessageParam.ofTool(b.build());
    }
    return ChatCompletionMessageParam.ofTool(
        ChatCompletionToolMessageParam.builder().toolCallId(r.callId()).content(r.output()).build());
  }

  private static @Nullable ChatCompletionMessageParam toWire(Message m) {
    List<Content> contents = new ArrayList<>(m.contents().size());
    for (Content c : m.contents()) {
      if (!ProviderView.informational(c)) {
        contents.add(c instanceof Opaque o ? OpenAiJson.typed(o) : c);
      }
    }
    if (contents.isEmpty()) {
      return null;
    }
    ChatCompletionMessageParam original = original(m.metadata());
    if (original != null && !original.isTool() && contents.equals(contents(original))) {
      return original;
    }
    if (contents.size() == 1 && contents.get(0) instanceof Opaque o
        && o.payload() instanceof ChatCompletionMessageParam whole) {
      return whole;
    }
    switch (m.role()) {
      case ASSISTANT:
        return ChatCompletionMessageParam.ofAssistant(assistant(contents, original));
      case SYSTEM:
        return system(contents, original);
      case USER:
        return ChatCompletionMessageParam.ofUser(user(contents, original));
      default:
        throw new IllegalStateException("unreachable: " + m.role());
    }
  }

  private static @Nullable ChatCompletionMessageParam original(Map<String, Object> metadata) {
    return (ChatCompletionMessageParam) OpenAiJson.typed(Keys.CHAT_MESSAGE, metadata.get(Keys.CHAT_MESSAGE));
  }

  private static ChatCompletionAssistantMessageParam assistant(
      List<Content> contents, @Nullable ChatCompletionMessageParam original) {
    ChatCompletionAssistantMessageParam.Builder b = original != null && original.isAssistant()
        ? original.asAssistant().toBuilder()
        : ChatCompletionAssistantMessageParam.builder();
    List<ChatCompletionRequestAssistantMessageContentPart> parts = new ArrayList<>();
    List<ChatCompletionMessageToolCall> calls = new ArrayList<>();
    int texts = 0;
    boolean otherParts = false;
    for (Content c : contents) {
      if (c instanceof Text t) {
        texts++;
        parts.add(ChatCompletionRequestAssistantMessageContentPart.ofText(
            ChatCompletionContentPartText.builder().text(t.text()).build()));
      } else if (c instanceof Opaque o && o.payload() instanceof ChatCompletionRequestAssistantMessageContentPart part) {
        otherParts = true;
        parts.add(part);
      } else if (c instanceof Opaque o && o.payload() instanceof ChatCompletionMessageToolCall other) {
        calls.add(other);
      } else if (c instanceof ToolCall call) {
        calls.add(toolCall(call));
      } else {
        throw unsupported(c, "an assistant message");
      }
    }
    boolean stringContent = original == null || !original.isAssistant()
        || original.asAssistant()._content().asKnown().map(x -> x.isText()).orElse(true);
    if (parts.isEmpty()) {
      b.content(Fields.missing());
    } else if (texts == 1 && !otherParts && stringContent) {
      b.content(((Text) contents.stream().filter(c -> c instanceof Text).findFirst().orElseThrow()).text());
    } else {
      b.contentOfArrayOfContentParts(parts);
    }
    if (calls.isEmpty()) {
      b.toolCalls(Fields.missing());
    } else {
      b.toolCalls(calls);
    }
    return b.build();
  }

  private static ChatCompletionMessageToolCall toolCall(ToolCall call) {
    Object o = OpenAiJson.typed(Keys.CHAT_TOOL_CALL, call.metadata().get(Keys.CHAT_TOOL_CALL));
    if (o instanceof ChatCompletionMessageToolCall original) {
      if (original.isFunction()) {
        ChatCompletionMessageFunctionToolCall f = original.asFunction();
        var fn = f._function().asKnown();
        boolean same = call.callId().equals(f._id().asKnown().orElse(null))
            && call.name().equals(fn.flatMap(x -> x._name().asKnown()).orElse(null))
            && call.argumentsJson().equals(fn.flatMap(x -> x._arguments().asKnown()).orElse(null));
        if (same) {
          return original;
        }
        ChatCompletionMessageFunctionToolCall.Function.Builder fb = fn.isPresent()
            ? fn.get().toBuilder()
            : ChatCompletionMessageFunctionToolCall.Function.builder();
        return ChatCompletionMessageToolCall.ofFunction(f.toBuilder().id(call.callId())
            .function(fb.name(call.name()).arguments(call.argumentsJson()).build()).build());
      }
      if (original.isCustom()) {
        ChatCompletionMessageCustomToolCall c = original.asCustom();
        var custom = c._custom().asKnown();
        boolean same = call.callId().equals(c._id().asKnown().orElse(null))
            && call.name().equals(custom.flatMap(x -> x._name().asKnown()).orElse(null))
            && call.argumentsJson().equals(custom.flatMap(x -> x._input().asKnown()).orElse(null));
        if (same) {
          return original;
        }
        ChatCompletionMessageCustomToolCall.Custom.Builder cb = custom.isPresent()
            ? custom.get().toBuilder()
            : ChatCompletionMessageCustomToolCall.Custom.builder();
        return ChatCompletionMessageToolCall.ofCustom(c.toBuilder().id(call.callId())
            .custom(cb.name(call.name()).input(call.argumentsJson()).build()).build());
      }
    }
    return ChatCompletionMessageToolCall.ofFunction(ChatCompletionMessageFunctionToolCall.builder()
        .id(call.callId())
        .function(ChatCompletionMessageFunctionToolCall.Function.builder()
            .name(call.name()).arguments(call.argumentsJson()).build())
        .build());
  }

  private static ChatCompletionMessageParam system(List<Content> contents, @Nullable ChatCompletionMessageParam original) {
    List<ChatCompletionContentPartText> parts = new ArrayList<>(contents.size());
    for (Content c : contents) {
      if (c instanceof Text t) {
        parts.add(ChatCompletionContentPartText.builder().text(t.text()).build());
      } else {
        throw unsupported(c, "a system message");
      }
    }
    boolean single = parts.size() == 1;
    if (original != null && original.isDeveloper()) {
      ChatCompletionDeveloperMessageParam.Builder b = original.asDeveloper().toBuilder();
      if (single) {
        b.content(parts.get(0).text());
      } else {
        b.contentOfArrayOfContentParts(parts);
      }
      return ChatCompletionMessageParam.ofDeveloper(b.build());
    }
    ChatCompletionSystemMessageParam.Builder b = original != null && original.isSystem()
        ? original.asSystem().toBuilder()
        : ChatCompletionSystemMessageParam.builder();
    if (single) {
      b.content(parts.get(0).text());
    } else {
      b.contentOfArrayOfContentParts(parts);
    }
    return ChatCompletionMessageParam.ofSystem(b.build());
  }

  private static ChatCompletionUserMessageParam user(List<Content> contents, @Nullable ChatCompletionMessageParam original) {
    ChatCompletionUserMessageParam.Builder b = original != null && original.isUser()
        ? original.asUser().toBuilder()
        : ChatCompletionUserMessageParam.builder();
    if (contents.size() == 1 && contents.get(0) instanceof Text t) {
      return b.content(t.text()).build();
    }
    List<ChatCompletionContentPart> parts = new ArrayList<>(contents.size());
    for (Content c : contents) {
      if (c instanceof Text t) {
        parts.add(ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text(t.text()).build()));
      } else if (c instanceof Opaque o && o.payload() instanceof ChatCompletionContentPart part) {
        parts.add(part);
      } else {
        throw unsupported(c, "a user message");
      }
    }
    return b.contentOfArrayOfContentParts(parts).build();
  }

  private static InvalidMessageException unsupported(Content c, String where) {
    String what = c instanceof Opaque o ? "an opaque item of kind '" + o.kind() + "'" : "a " + c.getClass().getSimpleName();
    return new InvalidMessageException(what + " cannot stand in " + where + " of a Chat Completions request;"
        + " Chat Completions has no place for it (rule: only what openai-java can send goes to the provider)");
  }
}
