package dev.toolguard.openai.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.ObjectMappers;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.ResponseCustomToolCall;
import com.openai.models.responses.ResponseCustomToolCallOutput;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputContent;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputMessage;
import dev.toolguard.core.Content;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.ProviderView;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Responses input items to the core model and back.
 *
 * <p>Items the model produces (reasoning, assistant messages, function and custom tool calls, server
 * tool calls, …) that follow each other form one ASSISTANT message, so a reasoning item stays with the
 * calls it precedes; outputs that follow each other form one TOOL message; every other item is a
 * message of its own. Function and custom tool calls and their outputs are calls and results; text
 * messages are texts; everything else is an {@link Opaque} whose kind is the item type and whose
 * payload is the item. Every content keeps the item it was read from, and an unchanged content goes
 * back as the same item object.
 */
public final class ResponsesMapper {

  /** Call type of a custom tool call, as kept in {@link #callTypes}. */
  static final String CUSTOM = "custom_tool_call";

  private ResponsesMapper() {}

  /** What an item reference points at, when the adapter knows it. */
  @FunctionalInterface
  public interface References {
    /** The call the item with {@code itemId} is, or null when it is unknown or not a call. */
    @Nullable HeldCall resolve(String itemId);

    /** Knows no item. */
    References NONE = id -> null;
  }

  // ------------------------------------------------------------------------------ to core

  /** The core history of {@code items}. */
  public static List<Message> toCore(List<ResponseInputItem> items) {
    return toCore(items, References.NONE);
  }

  /** The core history of {@code items}, with item references resolved by {@code references}. */
  public static List<Message> toCore(List<ResponseInputItem> items, References references) {
    List<Message> out = new ArrayList<>(items.size());
    List<Content> assistant = new ArrayList<>();
    List<Content> tool = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ResponseInputItem item = items.get(i);
      if (item == null) {
        throw new InvalidMessageException("input[" + i + "] is null; a Responses input holds no null items");
      }
      Content result = result(item);
      if (result != null) {
        flush(out, Role.ASSISTANT, assistant);
        tool.add(result);
        continue;
      }
      Content said = assistantSide(item, references);
      if (said != null) {
        flush(out, Role.TOOL, tool);
        assistant.add(said);
        continue;
      }
      flush(out, Role.ASSISTANT, assistant);
      flush(out, Role.TOOL, tool);
      out.add(standalone(item));
    }
    flush(out, Role.ASSISTANT, assistant);
    flush(out, Role.TOOL, tool);
    return out;
  }

  /** The output items of a response as input items, in order. */
  public static List<ResponseInputItem> inputItems(List<ResponseOutputItem> output) {
    List<ResponseInputItem> items = new ArrayList<>(output.size());
    for (ResponseOutputItem o : output) {
      items.add(inputItem(o));
    }
    return items;
  }

  /** One output item as an input item. */
  public static ResponseInputItem inputItem(ResponseOutputItem o) {
    if (o.isMessage()) {
      return ResponseInputItem.ofResponseOutputMessage(o.asMessage());
    } else if (o.isFunctionCall()) {
      return ResponseInputItem.ofFunctionCall(o.asFunctionCall());
    } else if (o.isReasoning()) {
      return ResponseInputItem.ofReasoning(o.asReasoning());
    } else if (o.isCustomToolCall()) {
      return ResponseInputItem.ofCustomToolCall(o.asCustomToolCall());
    }
    try {
      return ObjectMappers.jsonMapper().convertValue(o, ResponseInputItem.class);
    } catch (IllegalArgumentException e) {
      throw new InvalidMessageException("an output item of type '" + typeOf(o) + "' has no input item form in"
          + " openai-java; it cannot be sent back to the provider (" + e.getMessage() + ")");
    }
  }

  private static void flush(List<Message> out, Role role, List<Content> buffer) {
    if (!buffer.isEmpty()) {
      out.add(new Message(role, List.copyOf(buffer), Map.of()));
      buffer.clear();
    }
  }

  private static @Nullable Content result(ResponseInputItem item) {
    Map<String, Object> meta = Map.of(Keys.RESPONSES_ITEM, item);
    if (item.isFunctionCallOutput()) {
      ResponseInputItem.FunctionCallOutput o = item.asFunctionCallOutput();
      return new ToolResult(o._callId().asKnown().orElse(""), o._name().asKnown().orElse(null),
          output(o), false, meta);
    }
    if (item.isCustomToolCallOutput()) {
      ResponseCustomToolCallOutput o = item.asCustomToolCallOutput();
      return new ToolResult(o._callId().asKnown().orElse(""), null, output(o), false, meta);
    }
    return null;
  }

  static String output(ResponseInputItem.FunctionCallOutput o) {
    var out = o._output();
    if (out.asKnown().isPresent() && out.asKnown().get().isString()) {
      return out.asKnown().get().asString();
    }
    return json(out);
  }

  static String output(ResponseCustomToolCallOutput o) {
    var out = o._output();
    if (out.asKnown().isPresent() && out.asKnown().get().isString()) {
      return out.asKnown().get().asString();
    }
    return json(out);
  }

  private static String json(Object value) {
    try {
      return ObjectMappers.jsonMapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new InvalidMessageException("a tool output could not be written as JSON: " + e.getOriginalMessage());
    }
  }

  private static @Nullable Content assistantSide(ResponseInputItem item, References references) {
    Map<String, Object> meta = Map.of(Keys.RESPONSES_ITEM, item);
    if (item.isFunctionCall()) {
      ResponseFunctionToolCall c = item.asFunctionCall();
      return new ToolCall(c._callId().asKnown().orElse(""), c._name().asKnown().orElse(""),
          c._arguments().asKnown().orElse(""), false, meta);
    }
    if (item.isCustomToolCall()) {
      ResponseCustomToolCall c = item.asCustomToolCall();
      return new ToolCall(c._callId().asKnown().orElse(""), c._name().asKnown().orElse(""),
          c._input().asKnown().orElse(""), false, meta);
    }
    if (item.isItemReference()) {
      HeldCall held = references.resolve(item.asItemReference()._id().asKnown().orElse(""));
      return held == null ? null : new ToolCall(held.callId(), held.name(), held.arguments(), false, meta);
    }
    if (item.isResponseOutputMessage()
        || (item.isEasyInputMessage() && EasyInputMessage.Role.ASSISTANT.equals(
            item.asEasyInputMessage()._role().asKnown().orElse(null)))) {
      String text = text(item);
      return text == null ? Opaque.of("message", item) : new Text(text, meta);
    }
    String type = typeOf(item);
    if (item.isMessage() || item.isEasyInputMessage() || !modelSide(type)) {
      return null;
    }
    return Opaque.of(type, item);
  }

  /** Item types the model produces (besides messages and function/custom calls). */
  private static boolean modelSide(String type) {
    switch (type) {
      case "reasoning":
      case "compaction":
      case "mcp_list_tools":
      case "mcp_approval_request":
      case "program":
        return true;
      default:
        return type.endsWith("_call");
    }
  }

  private static Message standalone(ResponseInputItem item) {
    Role role = Role.USER;
    String text = null;
    if (item.isEasyInputMessage()) {
      String r = item.asEasyInputMessage()._role().asKnown().map(EasyInputMessage.Role::asString).orElse("user");
      role = "system".equals(r) || "developer".equals(r) ? Role.SYSTEM : Role.USER;
      text = text(item);
    } else if (item.isMessage()) {
      String r = item.asMessage()._role().asKnown().map(ResponseInputItem.Message.Role::asString).orElse("user");
      role = "system".equals(r) || "developer".equals(r) ? Role.SYSTEM : Role.USER;
      text = text(item);
    }
    Content c = text != null ? new Text(text, Map.of(Keys.RESPONSES_ITEM, item)) : Opaque.of(typeOf(item), item);
    return new Message(role, List.of(c), Map.of());
  }

  /** The text of a message item made of text parts only, or null if it has other parts. */
  static @Nullable String text(ResponseInputItem item) {
    if (item.isEasyInputMessage()) {
      var content = item.asEasyInputMessage()._content().asKnown();
      if (content.isEmpty()) {
        return null;
      }
      if (content.get().isTextInput()) {
        return content.get().asTextInput();
      }
      return content.get().responseInputMessageContentList().map(ResponsesMapper::inputText).orElse(null);
    }
    if (item.isMessage()) {
      return item.asMessage()._content().asKnown().map(ResponsesMapper::inputText).orElse(null);
    }
    if (item.isResponseOutputMessage()) {
      var parts = item.asResponseOutputMessage()._content().asKnown();
      if (parts.isEmpty()) {
        return null;
      }
      StringBuilder sb = new StringBuilder();
      for (ResponseOutputMessage.Content part : parts.get()) {
        if (!part.isOutputText()) {
          return null;
        }
        sb.append(part.asOutputText()._text().asKnown().orElse(""));
      }
      return sb.toString();
    }
    return null;
  }

  private static @Nullable String inputText(List<ResponseInputContent> parts) {
    StringBuilder sb = new StringBuilder();
    for (ResponseInputContent part : parts) {
      if (!part.isInputText()) {
        return null;
      }
      sb.append(part.asInputText()._text().asKnown().orElse(""));
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------------------ to wire

  /** The input items of {@code history}; informational contents (approvals) are left out. */
  public static List<ResponseInputItem> toWire(List<Message> history) {
    return toWire(history, Map.of());
  }

  /**
   * The input items of {@code history}. {@code heldTypes} gives the call type of calls that are not
   * in the history (held on the server), so that a result made up for one gets the right item type.
   */
  public static List<ResponseInputItem> toWire(List<Message> history, Map<String, String> heldTypes) {
    Map<String, String> types = callTypes(history, heldTypes);
    List<ResponseInputItem> out = new ArrayList<>(history.size() + 4);
    for (Message m : history) {
      for (Content c : m.contents()) {
        if (ProviderView.informational(c)) {
          continue;
        }
        out.add(item(m.role(), c, types));
      }
    }
    return out;
  }

  private static Map<String, String> callTypes(List<Message> history, Map<String, String> heldTypes) {
    Map<String, String> types = new HashMap<>(heldTypes);
    for (Message m : history) {
      for (Content c : m.contents()) {
        ResponseInputItem i = c instanceof ToolCall call ? original(call.metadata()) : null;
        if (i != null && i.isCustomToolCall()) {
          types.put(((ToolCall) c).callId(), CUSTOM);
        }
      }
    }
    return types;
  }

  private static @Nullable ResponseInputItem original(Map<String, Object> metadata) {
    return (ResponseInputItem) OpenAiJson.typed(Keys.RESPONSES_ITEM, metadata.get(Keys.RESPONSES_ITEM));
  }

  private static ResponseInputItem item(Role role, Content c, Map<String, String> types) {
    if (c instanceof Opaque o) {
      if (o.payload() instanceof ResponseInputItem item) {
        return item;
      }
      if (o.payload() instanceof JsonNode node && node.isObject()) {
        try { // an item kept as JSON (by toolguard-json's Responses codec, say)
          return ObjectMappers.jsonMapper().treeToValue(node, ResponseInputItem.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
          throw new InvalidMessageException("an opaque item of kind '" + o.kind() + "' holds JSON that is no"
              + " Responses input item: " + e.getMessage());
        }
      }
      throw new InvalidMessageException("an opaque item of kind '" + o.kind() + "' carries a "
          + o.payload().getClass().getName() + ", not a ResponseInputItem; it cannot go into a Responses input");
    }
    ResponseInputItem orig = original(c.metadata());
    if (c instanceof Text t) {
      return text(role, t, orig);
    } else if (c instanceof ToolCall call) {
      return call(call, orig);
    } else if (c instanceof ToolResult r) {
      return result(r, orig, types);
    }
    throw new InvalidMessageException("a " + c.getClass().getSimpleName() + " cannot go into a Responses input");
  }

  private static ResponseInputItem text(Role role, Text t, @Nullable ResponseInputItem orig) {
    if (orig != null && t.text().equals(text(orig))) {
      return orig;
    }
    if (orig != null && orig.isEasyInputMessage()) {
      return ResponseInputItem.ofEasyInputMessage(orig.asEasyInputMessage().toBuilder().content(t.text()).build());
    }
    EasyInputMessage.Role r;
    if (role == Role.ASSISTANT) {
      r = EasyInputMessage.Role.ASSISTANT;
    } else if (role == Role.SYSTEM) {
      boolean developer = orig != null && orig.isMessage()
          && ResponseInputItem.Message.Role.DEVELOPER.equals(orig.asMessage()._role().asKnown().orElse(null));
      r = developer ? EasyInputMessage.Role.DEVELOPER : EasyInputMessage.Role.SYSTEM;
    } else {
      r = EasyInputMessage.Role.USER;
    }
    return ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(r).content(t.text()).build());
  }

  private static ResponseInputItem call(ToolCall call, @Nullable ResponseInputItem orig) {
    if (orig != null && orig.isFunctionCall()) {
      ResponseFunctionToolCall f = orig.asFunctionCall();
      boolean sameId = call.callId().equals(f._callId().asKnown().orElse(null));
      if (sameId && call.name().equals(f._name().asKnown().orElse(null))
          && call.argumentsJson().equals(f._arguments().asKnown().orElse(null))) {
        return orig;
      }
      ResponseFunctionToolCall.Builder b = f.toBuilder().callId(call.callId()).name(call.name())
          .arguments(call.argumentsJson());
      if (!sameId) {
        b.id(Fields.missing()); // a renamed copy must not repeat the item id of the call it copies
      }
      return ResponseInputItem.ofFunctionCall(b.build());
    }
    if (orig != null && orig.isCustomToolCall()) {
      ResponseCustomToolCall f = orig.asCustomToolCall();
      boolean sameId = call.callId().equals(f._callId().asKnown().orElse(null));
      if (sameId && call.name().equals(f._name().asKnown().orElse(null))
          && call.argumentsJson().equals(f._input().asKnown().orElse(null))) {
        return orig;
      }
      ResponseCustomToolCall.Builder b = f.toBuilder().callId(call.callId()).name(call.name())
          .input(call.argumentsJson());
      if (!sameId) {
        b.id(Fields.missing());
      }
      return ResponseInputItem.ofCustomToolCall(b.build());
    }
    if (orig != null && orig.isItemReference() && !call.metadata().containsKey(Metadata.ORIGINAL_CALL_ID)) {
      return orig; // a reference to a call the server holds, unchanged
    }
    return ResponseInputItem.ofFunctionCall(ResponseFunctionToolCall.builder()
        .callId(call.callId()).name(call.name()).arguments(call.argumentsJson()).build());
  }

  private static ResponseInputItem result(ToolResult r, @Nullable ResponseInputItem orig, Map<String, String> types) {
    if (orig != null && orig.isFunctionCallOutput()) {
      ResponseInputItem.FunctionCallOutput o = orig.asFunctionCallOutput();
      boolean sameId = r.callId().equals(o._callId().asKnown().orElse(null));
      boolean sameOutput = r.output().equals(output(o));
      if (sameId && sameOutput) {
        return orig;
      }
      ResponseInputItem.FunctionCallOutput.Builder b = o.toBuilder().callId(r.callId());
      if (!sameOutput) {
        b.output(r.output());
      }
      if (!sameId) {
        b.id(Fields.missing());
      }
      return ResponseInputItem.ofFunctionCallOutput(b.build());
    }
    if (orig != null && orig.isCustomToolCallOutput()) {
      ResponseCustomToolCallOutput o = orig.asCustomToolCallOutput();
      boolean sameId = r.callId().equals(o._callId().asKnown().orElse(null));
      boolean sameOutput = r.output().equals(output(o));
      if (sameId && sameOutput) {
        return orig;
      }
      ResponseCustomToolCallOutput.Builder b = o.toBuilder().callId(r.callId());
      if (!sameOutput) {
        b.output(r.output());
      }
      if (!sameId) {
        b.id(Fields.missing());
      }
      return ResponseInputItem.ofCustomToolCallOutput(b.build());
    }
    if (CUSTOM.equals(types.get(r.callId()))) {
      return ResponseInputItem.ofCustomToolCallOutput(
          ResponseCustomToolCallOutput.builder().callId(r.callId()).output(r.output()).build());
    }
    return ResponseInputItem.ofFunctionCallOutput(
        ResponseInputItem.FunctionCallOutput.builder().callId(r.callId()).output(r.output()).build());
  }

  // ------------------------------------------------------------------------------ item types

  /** The {@code type} of an item, as on the wire. */
  public static String typeOf(ResponseInputItem item) {
    for (TypeCheck t : TYPE_CHECKS) {
      if (t.test().apply(item)) {
        return t.type();
      }
    }
    return typeOfJson(item);
  }

  private static String typeOf(ResponseOutputItem item) {
    return typeOfJson(item);
  }

  private static String typeOfJson(Object item) {
    try {
      return ObjectMappers.jsonMapper().valueToTree(item).path("type").asText("unknown");
    } catch (IllegalArgumentException e) {
      return "unknown";
    }
  }

  private record TypeCheck(String type, Function<ResponseInputItem, Boolean> test) {}

  private static final List<TypeCheck> TYPE_CHECKS = List.of(
      new TypeCheck("message", i -> i.isEasyInputMessage() || i.isMessage() || i.isResponseOutputMessage()),
      new TypeCheck("function_call", ResponseInputItem::isFunctionCall),
      new TypeCheck("function_call_output", ResponseInputItem::isFunctionCallOutput),
      new TypeCheck("reasoning", ResponseInputItem::isReasoning),
      new TypeCheck("item_reference", ResponseInputItem::isItemReference),
      new TypeCheck("custom_tool_call", ResponseInputItem::isCustomToolCall),
      new TypeCheck("custom_tool_call_output", ResponseInputItem::isCustomToolCallOutput),
      new TypeCheck("file_search_call", ResponseInputItem::isFileSearchCall),
      new TypeCheck("computer_call", ResponseInputItem::isComputerCall),
      new TypeCheck("computer_call_output", ResponseInputItem::isComputerCallOutput),
      new TypeCheck("web_search_call", ResponseInputItem::isWebSearchCall),
      new TypeCheck("tool_search_call", ResponseInputItem::isToolSearchCall),
      new TypeCheck("tool_search_output", ResponseInputItem::isToolSearchOutput),
      new TypeCheck("additional_tools", ResponseInputItem::isAdditionalTools),
      new TypeCheck("configuration_update", ResponseInputItem::isConfigurationUpdate),
      new TypeCheck("compaction", ResponseInputItem::isCompaction),
      new TypeCheck("image_generation_call", ResponseInputItem::isImageGenerationCall),
      new TypeCheck("code_interpreter_call", ResponseInputItem::isCodeInterpreterCall),
      new TypeCheck("local_shell_call", ResponseInputItem::isLocalShellCall),
      new TypeCheck("local_shell_call_output", ResponseInputItem::isLocalShellCallOutput),
      new TypeCheck("shell_call", ResponseInputItem::isShellCall),
      new TypeCheck("shell_call_output", ResponseInputItem::isShellCallOutput),
      new TypeCheck("apply_patch_call", ResponseInputItem::isApplyPatchCall),
      new TypeCheck("apply_patch_call_output", ResponseInputItem::isApplyPatchCallOutput),
      new TypeCheck("mcp_list_tools", ResponseInputItem::isMcpListTools),
      new TypeCheck("mcp_approval_request", ResponseInputItem::isMcpApprovalRequest),
      new TypeCheck("mcp_approval_response", ResponseInputItem::isMcpApprovalResponse),
      new TypeCheck("mcp_call", ResponseInputItem::isMcpCall),
      new TypeCheck("compaction_trigger", ResponseInputItem::isCompactionTrigger),
      new TypeCheck("program", ResponseInputItem::isProgram),
      new TypeCheck("program_output", ResponseInputItem::isProgramOutput));
}
