package dev.toolguard.core;

/**
 * The stable codes of the invariant's rules. Each knows the error a provider answers when a
 * history that breaks it is sent.
 */
public enum ViolationCode {
  /** A tool call has an empty call id. */
  EMPTY_CALL_ID(
      "tool call has no call id",
      "Missing required parameter: 'messages[%2$d].tool_calls[0].id'.",
      "Missing required parameter: 'input[%2$d].call_id'.",
      "messages.%2$d.content: `tool_use` block is missing its `id`"),
  /** A call id is used by more than one tool call in the history. */
  DUPLICATE_CALL_ID(
      "call id is used by more than one tool call",
      "Invalid parameter: duplicate 'tool_call_id' found in messages: %1$s.",
      "Duplicate item found with id %1$s. Remove the duplicate item from your input and try again.",
      "messages.%2$d.content: `tool_use` ids must be unique: %1$s"),
  /**
   * A tool call is an exact copy of the first call with its id (same id, tool, arguments and provider
   * attributes, such as a Responses item id): a replay of the same call, which repair removes.
   */
  REPEATED_CALL(
      "tool call is an exact copy of an earlier call",
      "Invalid parameter: duplicate 'tool_call_id' found in messages: %1$s.",
      "Duplicate item found with id %1$s. Remove the duplicate item from your input and try again.",
      "messages.%2$d.content: `tool_use` ids must be unique: %1$s"),
  /** A tool call has no result anywhere in the history. */
  MISSING_RESULT(
      "tool call has no result",
      "An assistant message with 'tool_calls' must be followed by tool messages responding to each"
          + " 'tool_call_id'. The following tool_call_ids did not have response messages: %1$s",
      "No tool output found for function call %1$s.",
      "messages.%2$d: `tool_use` ids were found without `tool_result` blocks immediately after: %1$s."
          + " Each `tool_use` block must have a corresponding `tool_result` block in the next message."),
  /**
   * A tool call has a result, but not directly after it: another message stands between them, or
   * the result comes before the call.
   */
  MISPLACED_RESULT(
      "tool result does not directly follow its call",
      "An assistant message with 'tool_calls' must be followed by tool messages responding to each"
          + " 'tool_call_id'. The following tool_call_ids did not have response messages: %1$s",
      "No tool call found for function call output with call_id %1$s.",
      "messages.%2$d: `tool_use` ids were found without `tool_result` blocks immediately after: %1$s."
          + " Each `tool_use` block must have a corresponding `tool_result` block in the next message."),
  /** A tool result has an empty call id. */
  EMPTY_RESULT_ID(
      "tool result has no call id",
      "Missing required parameter: 'messages[%2$d].tool_call_id'.",
      "Missing required parameter: 'input[%2$d].call_id'.",
      "messages.%2$d.content.0.tool_use_id: Field required"),
  /** A tool result answers no tool call of the history. */
  ORPHAN_RESULT(
      "tool result answers no tool call",
      "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with"
          + " 'tool_calls'.",
      "No tool call found for function call output with call_id %1$s.",
      "messages.%2$d.content.0: unexpected `tool_use_id` found in `tool_result` blocks: %1$s. Each"
          + " `tool_result` block must have a corresponding `tool_use` block in the previous message."),
  /** A tool call is answered by more than one result. */
  DUPLICATE_RESULT(
      "tool call is answered more than once",
      "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with"
          + " 'tool_calls'.",
      "Duplicate item found with id %1$s. Remove the duplicate item from your input and try again.",
      "messages.%2$d.content.0: unexpected `tool_use_id` found in `tool_result` blocks: %1$s. Each"
          + " `tool_result` block must have a corresponding `tool_use` block in the previous message."),
  /** A message has no contents at all. */
  EMPTY_MESSAGE(
      "message has no content",
      "Invalid value for 'content': expected a string, got null.",
      "Invalid value for 'content': expected a string or an array, got null.",
      "messages.%2$d: all messages must have non-empty content except for the optional final"
          + " assistant message"),
  /**
   * The first message that is not a system message is not the user's. Only Anthropic has this rule
   * (a history cut by a window often starts with the assistant); the OpenAI texts are empty.
   */
  FIRST_MESSAGE_NOT_USER(
      "the first message is not the user's",
      "",
      "",
      "messages: first message must use the \"user\" role"),
  /** An approval response answers no approval request of the history. */
  UNMATCHED_APPROVAL(
      "approval response answers no approval request", "", "", ""),
  /** An approval response carries another tool name or other arguments than its request. */
  APPROVAL_MISMATCH(
      "approval response does not match its request's tool name and arguments", "", "", ""),
  /** An approval request is answered more than once. */
  DUPLICATE_APPROVAL(
      "approval request is answered more than once", "", "", "");

  private final String rule;
  private final String openAiChat;
  private final String openAiResponses;
  private final String anthropic;

  ViolationCode(String rule, String openAiChat, String openAiResponses, String anthropic) {
    this.rule = rule;
    this.openAiChat = openAiChat;
    this.openAiResponses = openAiResponses;
    this.anthropic = anthropic;
  }

  /** The rule in a few words, for messages and reports. */
  public String rule() {
    return rule;
  }

  /**
   * The error text that {@code dialect}'s provider answers (with HTTP 400) for this violation, or
   * an empty string when the violation concerns content that is never sent to a provider
   * (approvals) or a rule that {@code dialect} does not have.
   */
  public String providerError(Dialect dialect, String callId, int messageIndex) {
    String template =
        switch (dialect) {
          case OPENAI_CHAT -> openAiChat;
          case OPENAI_RESPONSES -> openAiResponses;
          case ANTHROPIC -> anthropic;
        };
    return String.format(java.util.Locale.ROOT, template, callId, messageIndex);
  }
}
