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
   * The first message that is not a system message is not the user's. Anthropic and Bedrock Converse
   * have this rule (a history cut by a window often starts with the assistant); the OpenAI texts are
   * empty. (Gemini's rule is about turns with calls: {@link #CALL_TURN_NOT_AFTER_USER}.)
   */
  FIRST_MESSAGE_NOT_USER(
      "the first message is not the user's",
      "",
      "",
      "messages: first message must use the \"user\" role"),
  /**
   * A call id breaks the dialect's rule (Mistral: exactly 9 of {@code [a-zA-Z0-9]}; Bedrock Converse: 1
   * to 64 of {@code [a-zA-Z0-9_-]}); see {@link Dialect#acceptsCallId}. Checked for Mistral and Bedrock
   * in core; the OpenAI and Anthropic limits are checked and rewritten in the body by toolguard-json.
   */
  INVALID_CALL_ID(
      "call id breaks the dialect's id rule", "", "", ""),
  /**
   * (Gemini only) A turn with calls does not come right after a user turn or a function response
   * turn: it follows another model turn, or starts the history.
   */
  CALL_TURN_NOT_AFTER_USER(
      "a turn with calls does not come right after a user turn or results", "", "", ""),
  /** (Bedrock Converse only) An error result has no content, which Converse refuses. */
  EMPTY_ERROR_RESULT(
      "an error result has no content", "", "", ""),
  /**
   * (Ollama only) The results of a turn do not come in the order of its calls: Ollama matches a result
   * to a call by order.
   */
  RESULT_OUT_OF_ORDER(
      "the results of a turn do not come in the order of its calls", "", "", ""),
  /** (Ollama only) A result names another tool than its call: Ollama matches a result by its tool name. */
  RESULT_NAME_MISMATCH(
      "a result names another tool than its call", "", "", ""),
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
          case GEMINI -> gemini();
          case BEDROCK_CONVERSE -> bedrock();
          case MISTRAL -> mistral();
          // Ollama answers no 400 for these: it matches by order and name, and a mismatch reaches the
          // model silently
          case OLLAMA -> "";
        };
    return String.format(java.util.Locale.ROOT, template, callId, messageIndex);
  }

  /** Gemini's words (verbatim, as reported); empty where Gemini has no such rule (ids are optional there). */
  private String gemini() {
    return switch (this) {
      case MISSING_RESULT -> GEMINI_COUNT;
      case MISPLACED_RESULT, ORPHAN_RESULT, DUPLICATE_RESULT, EMPTY_RESULT_ID -> GEMINI_RESPONSE_AFTER_CALL;
      case CALL_TURN_NOT_AFTER_USER -> GEMINI_CALL_AFTER_USER;
      default -> "";
    };
  }

  /**
   * Bedrock Converse's words: the reported texts with the message index of the core history (a check
   * with the dialect words them with the body's indexes); the id rule in AWS's validation format.
   */
  private String bedrock() {
    return switch (this) {
      case MISSING_RESULT, MISPLACED_RESULT ->
          "Expected toolResult blocks at messages.%2$d.content for the following Ids: %1$s";
      case ORPHAN_RESULT, DUPLICATE_RESULT, EMPTY_RESULT_ID ->
          "The number of toolResult blocks at messages.%2$d.content exceeds the number of toolUse blocks of"
              + " previous turn.";
      case EMPTY_CALL_ID, INVALID_CALL_ID ->
          "1 validation error detected: Value '%1$s' at 'messages.%2$d.member.content.1.member.toolUse.toolUseId'"
              + " failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+";
      case FIRST_MESSAGE_NOT_USER -> BEDROCK_USER_FIRST;
      case EMPTY_ERROR_RESULT ->
          "The content field at messages.%2$d.content.0.toolResult cannot be empty when status value is error.";
      case EMPTY_MESSAGE ->
          "The content field in the Message object at messages.%2$d is empty. Add a ContentBlock object to the"
              + " content field and try again.";
      default -> "";
    };
  }

  /** Mistral's words (verbatim, as reported). */
  private String mistral() {
    return switch (this) {
      case EMPTY_CALL_ID, INVALID_CALL_ID -> "Tool call id was %1$s but must be a-z, A-Z, 0-9, with a length of 9.";
      case MISSING_RESULT, MISPLACED_RESULT, ORPHAN_RESULT, DUPLICATE_RESULT, EMPTY_RESULT_ID -> MISTRAL_COUNT;
      default -> "";
    };
  }

  /** Gemini: a function response turn that does not follow its call turn. */
  private static final String GEMINI_RESPONSE_AFTER_CALL =
      "Please ensure that function response turn comes immediately after a function call turn.";
  /** Gemini: a function response turn with another number of parts than the call turn has calls. */
  private static final String GEMINI_COUNT = "Please ensure that the number of function response parts is equal to the number"
      + " of function call parts of the function call turn.";
  /** Gemini: a call turn after another model turn, or first. */
  private static final String GEMINI_CALL_AFTER_USER = "Please ensure that function call turn comes immediately after a user"
      + " turn or after a function response turn.";
  /** Bedrock Converse: a conversation that starts with the assistant. */
  private static final String BEDROCK_USER_FIRST =
      "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
  /** Mistral: calls and responses that do not pair up. */
  private static final String MISTRAL_COUNT = "Not the same number of function calls and responses";
}
