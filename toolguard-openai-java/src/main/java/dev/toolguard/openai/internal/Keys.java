package dev.toolguard.openai.internal;

/**
 * The metadata keys and opaque kinds under which the adapter keeps the openai-java objects a core
 * message was read from, so that an unchanged message goes back as the very same object.
 */
public final class Keys {

  private Keys() {}

  /**
   * On a Chat {@code Message} or {@code ToolResult}: the {@code ChatCompletionMessageParam} it was
   * read from. As an opaque kind: a message that has nothing core models (payload: the param).
   */
  public static final String CHAT_MESSAGE = "openai.chat.message";

  /** On a Chat {@code ToolCall}: the {@code ChatCompletionMessageToolCall} it was read from. */
  public static final String CHAT_TOOL_CALL = "openai.chat.toolCall";

  /** Opaque kind: a non-text part of a user message (payload: {@code ChatCompletionContentPart}). */
  public static final String CHAT_USER_PART = "openai.chat.userPart";

  /** Opaque kind: a refusal part of an assistant message (payload: the assistant content part). */
  public static final String CHAT_ASSISTANT_PART = "openai.chat.assistantPart";

  /** Opaque kind: a tool call of a kind core does not model (payload: {@code ChatCompletionMessageToolCall}). */
  public static final String CHAT_OTHER_TOOL_CALL = "openai.chat.otherToolCall";

  /**
   * On a Responses {@code Text}, {@code ToolCall} or {@code ToolResult}: the {@code ResponseInputItem}
   * it was read from. Opaque Responses items carry the item as payload and its type as kind.
   */
  public static final String RESPONSES_ITEM = "openai.responses.item";

  /** On a message or call the adapter adds for calls held on the server; never leaves the adapter. */
  public static final String HELD = "toolguard.openai.held";
}
