package dev.toolguard.testkit;

import java.util.Collection;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The exact error message texts the referee answers with, so that tests can assert on them.
 *
 * <p>Each constant is a {@link String#format} pattern (or a plain text when it takes no argument); the
 * static methods fill it in. Texts marked <em>provider text</em> are the providers' own wording as
 * they have been observed in the field; the others follow the providers' style for a rule whose exact
 * wording was not at hand, and say so in their Javadoc.
 */
public final class ErrorMessages {

  private ErrorMessages() {}

  /** Texts shared by both OpenAI endpoints (body {@code {"error":{"message","type","param","code"}}}). */
  public static final class OpenAi {

    private OpenAi() {}

    /** Provider text: the body is not JSON. */
    public static final String NOT_JSON =
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using"
            + " your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was"
            + " not valid JSON. If you have trouble figuring out how to fix this, please contact us"
            + " through our help center at help.openai.com.)";

    /** Provider text pattern: a required parameter is missing ({@code code: missing_required_parameter}). */
    public static final String MISSING_PARAMETER = "Missing required parameter: '%s'.";

    /** Provider text pattern: a value of the wrong JSON type ({@code code: invalid_type}). */
    public static final String INVALID_TYPE = "Invalid type for '%s': expected %s, but got %s instead.";

    /** Provider text pattern: a string over its maximum length ({@code code: string_above_max_length}). */
    public static final String STRING_TOO_LONG =
        "Invalid '%s': string too long. Expected a string with maximum length %d, but got a string with"
            + " length %d instead.";

    /** Provider text pattern: an empty array where one element is the minimum ({@code code: empty_array}). */
    public static final String EMPTY_ARRAY =
        "Invalid '%s': empty array. Expected an array with minimum length 1, but got an empty array"
            + " instead.";

    /** Provider text pattern: an empty string where one character is the minimum ({@code code: empty_string}). */
    public static final String EMPTY_STRING =
        "Invalid '%s': empty string. Expected a string with minimum length 1, but got an empty string"
            + " instead.";

    /** Provider text pattern: a value outside an enumeration ({@code code: invalid_value}). */
    public static final String INVALID_VALUE = "Invalid value: '%s'. Supported values are: %s.";

    /** Provider text: the body of an injected 500 ({@code type: server_error}). */
    public static final String SERVER_ERROR =
        "The server had an error while processing your request. Sorry about that!";

    /** Pattern of the body of an injected 429 ({@code code: rate_limit_exceeded}); referee wording. */
    public static final String RATE_LIMITED = "Rate limit reached for requests. Please try again in %s.";

    /** Provider text pattern: no such method and path. */
    public static final String INVALID_URL = "Invalid URL (%s %s)";

    /** {@link #MISSING_PARAMETER} filled in. */
    public static String missingParameter(String param) {
      return String.format(Locale.ROOT, MISSING_PARAMETER, param);
    }

    /** {@link #INVALID_TYPE} filled in, e.g. {@code ("messages", "an array", "a string")}. */
    public static String invalidType(String param, String expected, String got) {
      return String.format(Locale.ROOT, INVALID_TYPE, param, expected, got);
    }

    /** {@link #STRING_TOO_LONG} filled in. */
    public static String stringTooLong(String param, int max, int length) {
      return String.format(Locale.ROOT, STRING_TOO_LONG, param, max, length);
    }

    /** {@link #EMPTY_ARRAY} filled in. */
    public static String emptyArray(String param) {
      return String.format(Locale.ROOT, EMPTY_ARRAY, param);
    }

    /** {@link #EMPTY_STRING} filled in. */
    public static String emptyString(String param) {
      return String.format(Locale.ROOT, EMPTY_STRING, param);
    }

    /** {@link #INVALID_VALUE} filled in; {@code supported} is already quoted, e.g. {@code 'a' and 'b'}. */
    public static String invalidValue(String value, String supported) {
      return String.format(Locale.ROOT, INVALID_VALUE, value, supported);
    }
  }

  /** Texts of {@code POST /v1/chat/completions}. */
  public static final class Chat {

    private Chat() {}

    /** Provider text pattern: an assistant message's tool calls are not all answered right after it. */
    public static final String TOOL_CALLS_WITHOUT_RESPONSES =
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each"
            + " 'tool_call_id'. The following tool_call_ids did not have response messages: %s";

    /** Provider text (its spelling included): a tool message that follows no assistant tool calls. */
    public static final String TOOL_MESSAGE_WITHOUT_CALL =
        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with"
            + " 'tool_calls'.";

    /** Provider text pattern: a tool message answers an id the preceding tool calls do not have. */
    public static final String UNKNOWN_TOOL_CALL_ID =
        "Invalid parameter: 'tool_call_id' of '%s' not found in 'tool_calls' of previous message.";

    /** Provider text pattern: two tool messages answer the same id. */
    public static final String DUPLICATE_TOOL_CALL_ID =
        "Invalid parameter: Duplicate value for 'tool_call_id' of '%s', in messages[%d] and"
            + " messages[%d].";

    /**
     * Pattern for the same call id used by two tool calls; referee wording, modelled on {@link
     * #DUPLICATE_TOOL_CALL_ID}.
     */
    public static final String DUPLICATE_CALL_ID =
        "Invalid parameter: Duplicate value for 'id' of '%s', in messages[%d].tool_calls[%d] and"
            + " messages[%d].tool_calls[%d].";

    /** Provider text: no {@code model}. */
    public static final String MODEL_MISSING = "you must provide a model parameter";

    /** The roles the endpoint accepts, quoted as in {@link OpenAi#INVALID_VALUE}. */
    public static final String ROLES =
        "'system', 'assistant', 'user', 'function', 'tool', and 'developer'";

    /** Provider text: an assistant message with neither content nor tool calls. */
    public static final String ASSISTANT_CONTENT_NULL =
        "Invalid value for 'content': expected a string, got null.";

    /** {@link #TOOL_CALLS_WITHOUT_RESPONSES} filled in (ids joined with {@code ", "}). */
    public static String toolCallsWithoutResponses(Collection<String> ids) {
      return String.format(Locale.ROOT, TOOL_CALLS_WITHOUT_RESPONSES, String.join(", ", ids));
    }

    /** {@link #UNKNOWN_TOOL_CALL_ID} filled in. */
    public static String unknownToolCallId(String id) {
      return String.format(Locale.ROOT, UNKNOWN_TOOL_CALL_ID, id);
    }

    /** {@link #DUPLICATE_TOOL_CALL_ID} filled in with the indexes of both tool messages. */
    public static String duplicateToolCallId(String id, int firstMessage, int secondMessage) {
      return String.format(Locale.ROOT, DUPLICATE_TOOL_CALL_ID, id, firstMessage, secondMessage);
    }

    /** {@link #DUPLICATE_CALL_ID} filled in with the positions of both calls. */
    public static String duplicateCallId(
        String id, int firstMessage, int firstCall, int secondMessage, int secondCall) {
      return String.format(
          Locale.ROOT, DUPLICATE_CALL_ID, id, firstMessage, firstCall, secondMessage, secondCall);
    }
  }

  /** Texts of {@code POST /v1/responses}. */
  public static final class Responses {

    private Responses() {}

    /** Provider text pattern: a function_call_output whose call is nowhere before it. */
    public static final String NO_TOOL_CALL = "No tool call found for function call output with call_id %s.";

    /** Provider text pattern: a function_call whose output is not given. */
    public static final String NO_TOOL_OUTPUT = "No tool output found for function call %s.";

    /** Provider text pattern: two items with the same item id. */
    public static final String DUPLICATE_ITEM =
        "Duplicate item found with id %s. Remove duplicate items from your input and try again.";

    /** Pattern for two function_call items with the same call_id; referee wording. */
    public static final String DUPLICATE_CALL_ID = "Duplicate function call found with call_id %s.";

    /** Pattern for two function_call_output items with the same call_id; referee wording. */
    public static final String DUPLICATE_OUTPUT = "Duplicate function call output found with call_id %s.";

    /** Provider text pattern ({@code code: previous_response_not_found}). */
    public static final String PREVIOUS_RESPONSE_NOT_FOUND = "Previous response with id '%s' not found.";

    /** Provider text pattern: a reasoning item not followed by the item it belongs to. */
    public static final String REASONING_WITHOUT_FOLLOWING_ITEM =
        "Item '%s' of type 'reasoning' was provided without its required following item.";

    /**
     * Provider text pattern: an item that the service produced directly after a reasoning item, sent
     * back (with its id) without that reasoning item directly before it: the item's id, its type, the
     * reasoning item's id.
     */
    public static final String WITHOUT_REQUIRED_REASONING =
        "Item '%s' of type '%s' was provided without its required 'reasoning' item: '%s'.";

    /** {@link #WITHOUT_REQUIRED_REASONING} filled in. */
    public static String withoutRequiredReasoning(String itemId, String type, String reasoningId) {
      return String.format(Locale.ROOT, WITHOUT_REQUIRED_REASONING, itemId, type, reasoningId);
    }

    /**
     * Provider text pattern: an item id that does not begin with its type's prefix (the path of the
     * id, the id, the prefix), as in {@code Invalid 'input[66].id': 'item_df7e…'. Expected an ID that
     * begins with 'rs'.} Which prefix each type takes is the referee's model: {@code rs} reasoning,
     * {@code fc} function_call, {@code msg} message, {@code mcpr} mcp_approval_request, {@code mcp}
     * mcp_call and mcp_list_tools.
     */
    public static final String ID_PREFIX = "Invalid '%s': '%s'. Expected an ID that begins with '%s'.";

    /** {@link #ID_PREFIX} filled in. */
    public static String idPrefix(String path, String id, String prefix) {
      return String.format(Locale.ROOT, ID_PREFIX, path, id, prefix);
    }

    /**
     * Provider text pattern ({@code code: unknown_parameter}): a field that the item type (or the
     * content part type) does not have, as in {@code Unknown parameter: 'input[1].metadata'.}
     */
    public static final String UNKNOWN_PARAMETER = "Unknown parameter: '%s'.";

    /** {@link #UNKNOWN_PARAMETER} filled in. */
    public static String unknownParameter(String path) {
      return String.format(Locale.ROOT, UNKNOWN_PARAMETER, path);
    }

    /** Pattern for an {@code item_reference} to an unknown item; referee wording. */
    public static final String ITEM_NOT_FOUND = "Item with id '%s' not found.";

    /** Pattern of the 404 of {@code GET /v1/responses/{id}}; referee wording. */
    public static final String RESPONSE_NOT_FOUND = "Response with id '%s' not found.";

    /** The message roles the endpoint accepts, quoted as in {@link OpenAi#INVALID_VALUE}. */
    public static final String ROLES = "'assistant', 'system', 'developer', and 'user'";

    /**
     * Pattern for an {@code mcp_approval_response} whose {@code approval_request_id} names no {@code
     * mcp_approval_request} of the conversation; referee wording.
     */
    public static final String APPROVAL_REQUEST_NOT_FOUND =
        "No MCP approval request found with id %s for the mcp_approval_response.";

    /** {@link #APPROVAL_REQUEST_NOT_FOUND} filled in. */
    public static String approvalRequestNotFound(String requestId) {
      return String.format(Locale.ROOT, APPROVAL_REQUEST_NOT_FOUND, requestId);
    }

    /** {@link #NO_TOOL_CALL} filled in. */
    public static String noToolCall(String callId) {
      return String.format(Locale.ROOT, NO_TOOL_CALL, callId);
    }

    /** {@link #NO_TOOL_OUTPUT} filled in. */
    public static String noToolOutput(String callId) {
      return String.format(Locale.ROOT, NO_TOOL_OUTPUT, callId);
    }

    /** {@link #DUPLICATE_ITEM} filled in. */
    public static String duplicateItem(String itemId) {
      return String.format(Locale.ROOT, DUPLICATE_ITEM, itemId);
    }

    /** {@link #DUPLICATE_CALL_ID} filled in. */
    public static String duplicateCallId(String callId) {
      return String.format(Locale.ROOT, DUPLICATE_CALL_ID, callId);
    }

    /** {@link #DUPLICATE_OUTPUT} filled in. */
    public static String duplicateOutput(String callId) {
      return String.format(Locale.ROOT, DUPLICATE_OUTPUT, callId);
    }

    /** {@link #PREVIOUS_RESPONSE_NOT_FOUND} filled in. */
    public static String previousResponseNotFound(String responseId) {
      return String.format(Locale.ROOT, PREVIOUS_RESPONSE_NOT_FOUND, responseId);
    }

    /** {@link #REASONING_WITHOUT_FOLLOWING_ITEM} filled in. */
    public static String reasoningWithoutFollowingItem(String itemId) {
      return String.format(Locale.ROOT, REASONING_WITHOUT_FOLLOWING_ITEM, itemId);
    }

    /** {@link #ITEM_NOT_FOUND} filled in. */
    public static String itemNotFound(String itemId) {
      return String.format(Locale.ROOT, ITEM_NOT_FOUND, itemId);
    }

    /** {@link #RESPONSE_NOT_FOUND} filled in. */
    public static String responseNotFound(String responseId) {
      return String.format(Locale.ROOT, RESPONSE_NOT_FOUND, responseId);
    }
  }

  /**
   * Texts of {@code POST /v1/messages} (body {@code {"type":"error","error":{"type","message"}}}).
   * Anthropic prefixes a message with the JSON path it is about, e.g. {@code messages.2.content.0: …}.
   */
  public static final class Anthropic {

    private Anthropic() {}

    /** Provider text pattern: the assistant message's tool_use ids lack leading tool_result blocks next. */
    public static final String TOOL_USE_WITHOUT_RESULT =
        "messages.%d: `tool_use` ids were found without `tool_result` blocks immediately after: %s."
            + " Each `tool_use` block must have a corresponding `tool_result` block in the next message.";

    /** Provider text pattern: a tool_result for no tool_use of the previous message. */
    public static final String UNEXPECTED_TOOL_USE_ID =
        "messages.%d.content.%d: unexpected `tool_use_id` found in `tool_result` blocks: %s. Each"
            + " `tool_result` block must have a corresponding `tool_use` block in the previous message.";

    /** Provider text pattern: a tool_use id used twice. */
    public static final String DUPLICATE_TOOL_USE_ID = "messages.%d.content.%d: `tool_use` ids must be unique";

    /**
     * Provider text pattern: two tool_result blocks for one tool_use, as in {@code
     * messages.6.content.2: each tool_use must have a single result. Found multiple `tool_result` blocks
     * with id: toolu_01DKqMow1fXVBsctDmZDtxaa} (sipeed/picoclaw#1792; QwenLM/qwen-code#8163).
     */
    public static final String DUPLICATE_TOOL_RESULT =
        "messages.%d.content.%d: each tool_use must have a single result. Found multiple `tool_result`"
            + " blocks with id: %s";

    /** Provider text pattern: an id that is not {@code ^[a-zA-Z0-9_-]+$}; the path ends in the field. */
    public static final String ID_PATTERN = "%s: String should match pattern '^[a-zA-Z0-9_-]+$'";

    /**
     * Provider text pattern, word for word as reported (anomalyco/opencode#3077 with {@code tool_use},
     * router-for-me/CLIProxyAPI#1109 with {@code text}): with {@code thinking} enabled, the assistant
     * turn whose tool_use blocks the last user turn answers does not start with a thinking block.
     */
    public static final String THINKING_NOT_FIRST =
        "messages.%d.content.0.type: Expected `thinking` or `redacted_thinking`, but found `%s`. When `thinking`"
            + " is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of"
            + " `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To"
            + " avoid this requirement, disable `thinking`. Please consult our documentation at"
            + " https://docs.claude.com/en/docs/build-with-claude/extended-thinking";

    /** {@link #THINKING_NOT_FIRST} filled in with the message index and the type of its first block. */
    public static String thinkingNotFirst(int message, String foundType) {
      return String.format(Locale.ROOT, THINKING_NOT_FIRST, message, foundType);
    }

    /** Provider text: the first message is not a user message. */
    public static final String FIRST_MESSAGE_NOT_USER = "messages: first message must use the \"user\" role";

    /** Provider text pattern: empty content in a message other than a final assistant message. */
    public static final String EMPTY_CONTENT =
        "messages.%d: all messages must have non-empty content except for the optional final assistant"
            + " message";

    /** Provider text: an empty text block. */
    public static final String EMPTY_TEXT_BLOCK = "messages: text content blocks must be non-empty";

    /**
     * Provider text pattern: a field that the block type (or the message) does not have, at its
     * path, as in {@code messages.1.content.0.tool_use.foo: Extra inputs are not permitted}.
     */
    public static final String EXTRA_INPUT = "%s: Extra inputs are not permitted";

    /** {@link #EXTRA_INPUT} filled in. */
    public static String extraInput(String path) {
      return String.format(Locale.ROOT, EXTRA_INPUT, path);
    }

    /** Provider text pattern: a required field is missing. */
    public static final String FIELD_REQUIRED = "%s: Field required";

    /** Provider text: a message with role {@code system}. */
    public static final String SYSTEM_ROLE =
        "messages: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter,"
            + " not \"system\" as an input message role.";

    /** Provider text pattern: a role other than user or assistant. */
    public static final String INVALID_ROLE = "messages.%d.role: Input should be 'user' or 'assistant'";

    /** Pattern for a tool_result block in an assistant message; provider text behind the path. */
    public static final String TOOL_RESULT_NOT_IN_USER =
        "messages.%d.content.%d: `tool_result` blocks can only be in `user` messages";

    /** Pattern for a tool_use block in a user message; referee wording. */
    public static final String TOOL_USE_NOT_IN_ASSISTANT =
        "messages.%d.content.%d: `tool_use` blocks can only be in `assistant` messages";

    /** Provider text pattern: a value that is not a list. */
    public static final String INVALID_LIST = "%s: Input should be a valid list";

    /** Provider text pattern: a value that is not an object. */
    public static final String INVALID_DICTIONARY = "%s: Input should be a valid dictionary";

    /** Provider text pattern: a value that is not a string. */
    public static final String INVALID_STRING = "%s: Input should be a valid string";

    /** Provider text pattern: a value that is not an integer. */
    public static final String INVALID_INTEGER = "%s: Input should be a valid integer";

    /** Pattern for an unknown content block type; referee wording in the provider's style. */
    public static final String UNKNOWN_BLOCK_TYPE =
        "%s: Input tag '%s' found using 'type' does not match any of the expected tags: %s";

    /** Pattern for an empty {@code messages} list; referee wording in the provider's style. */
    public static final String NO_MESSAGES = "messages: List should have at least 1 item after validation, not 0";

    /** Referee wording: the body is not JSON. */
    public static final String NOT_JSON = "The request body is not valid JSON.";

    /** Provider text: no {@code anthropic-version} header. */
    public static final String VERSION_REQUIRED = "anthropic-version: header is required";

    /** Provider text: the body of an injected 500 ({@code type: api_error}). */
    public static final String SERVER_ERROR = "Internal server error";

    /** Pattern of the body of an injected 429 ({@code type: rate_limit_error}); referee wording. */
    public static final String RATE_LIMITED =
        "This request would exceed the rate limit for your organization. Please retry after %s.";

    /** Provider text: no such path. */
    public static final String NOT_FOUND = "Not Found";

    /** {@link #TOOL_USE_WITHOUT_RESULT} filled in (ids joined with {@code ", "}). */
    public static String toolUseWithoutResult(int message, Collection<String> ids) {
      return String.format(Locale.ROOT, TOOL_USE_WITHOUT_RESULT, message, String.join(", ", ids));
    }

    /** {@link #UNEXPECTED_TOOL_USE_ID} filled in. */
    public static String unexpectedToolUseId(int message, int block, String id) {
      return String.format(Locale.ROOT, UNEXPECTED_TOOL_USE_ID, message, block, id);
    }

    /** {@link #DUPLICATE_TOOL_USE_ID} filled in with the position of the second use. */
    public static String duplicateToolUseId(int message, int block) {
      return String.format(Locale.ROOT, DUPLICATE_TOOL_USE_ID, message, block);
    }

    /** {@link #DUPLICATE_TOOL_RESULT} filled in with the position of the second result. */
    public static String duplicateToolResult(int message, int block, String id) {
      return String.format(Locale.ROOT, DUPLICATE_TOOL_RESULT, message, block, id);
    }

    /** {@link #ID_PATTERN} for {@code messages.M.content.B.tool_use.id} or {@code ….tool_result.tool_use_id}. */
    public static String idPattern(int message, int block, String blockType, String field) {
      return String.format(
          Locale.ROOT, ID_PATTERN, "messages." + message + ".content." + block + "." + blockType + "." + field);
    }

    /** {@link #EMPTY_CONTENT} filled in. */
    public static String emptyContent(int message) {
      return String.format(Locale.ROOT, EMPTY_CONTENT, message);
    }

    /** {@link #FIELD_REQUIRED} filled in with a path such as {@code max_tokens}. */
    public static String fieldRequired(String path) {
      return String.format(Locale.ROOT, FIELD_REQUIRED, path);
    }

    /** {@link #INVALID_ROLE} filled in. */
    public static String invalidRole(int message) {
      return String.format(Locale.ROOT, INVALID_ROLE, message);
    }
  }

  /**
   * Texts of Google Gemini {@code generateContent} (body {@code {"error":{"code":400,"message",
   * "status":"INVALID_ARGUMENT"}}}).
   */
  public static final class Gemini {

    private Gemini() {}

    /** Provider text: a function response turn that does not follow a function call turn. */
    public static final String RESPONSE_AFTER_CALL =
        "Please ensure that function response turn comes immediately after a function call turn.";

    /** Provider text: a function response turn whose part count differs from the call turn's. */
    public static final String SAME_COUNT =
        "Please ensure that the number of function response parts is equal to the number of function call"
            + " parts of the function call turn.";

    /** Provider text: a function call turn that follows neither a user turn nor a function response turn. */
    public static final String CALL_AFTER_USER =
        "Please ensure that function call turn comes immediately after a user turn or after a function"
            + " response turn.";

    /** Provider text: a role other than {@code user} and {@code model}. */
    public static final String INVALID_ROLE = "Please use a valid role: user, model.";

    /** Provider text: no {@code contents}. */
    public static final String CONTENTS_MISSING = "* GenerateContentRequest.contents: contents is not specified\n";

    /** Provider text pattern: a content without parts. */
    public static final String PARTS_EMPTY = "* GenerateContentRequest.contents[%d].parts: contents.parts must not be empty.\n";

    /** Provider text pattern: the body is not JSON (Google's JSON parser). */
    public static final String NOT_JSON = "Invalid JSON payload received. Unexpected token.";

    /** Provider text: the body of an injected 500 ({@code status: INTERNAL}). */
    public static final String SERVER_ERROR = "An internal error has occurred. Please retry or report in"
        + " https://developers.generativeai.google/guide/troubleshooting";

    /** Provider text: the body of an injected 429 ({@code status: RESOURCE_EXHAUSTED}). */
    public static final String RATE_LIMITED = "Resource has been exhausted (e.g. check quota).";

    /** {@link #PARTS_EMPTY} filled in. */
    public static String partsEmpty(int content) {
      return String.format(Locale.ROOT, PARTS_EMPTY, content);
    }
  }

  /**
   * Texts of AWS Bedrock Converse (HTTP 400, header {@code x-amzn-ErrorType: ValidationException:…}, body
   * {@code {"message":…}}).
   */
  public static final class Bedrock {

    private Bedrock() {}

    /** Provider text pattern: the message after a tool use turn lacks results for some ids. */
    public static final String EXPECTED_TOOL_RESULTS =
        "Expected toolResult blocks at messages.%d.content for the following Ids: %s";

    /** Provider text pattern: more results than the previous turn has tool uses. */
    public static final String TOO_MANY_RESULTS =
        "The number of toolResult blocks at messages.%d.content exceeds the number of toolUse blocks of"
            + " previous turn.";

    /** Provider text pattern: an error tool result with empty content. */
    public static final String EMPTY_ERROR_RESULT =
        "The content field at messages.%d.content.%d.toolResult cannot be empty when status value is error.";

    /** Provider text pattern: a tool use id outside {@code [a-zA-Z0-9_-]+} (AWS constraint wording). */
    public static final String ID_PATTERN = "1 validation error detected: Value '%s' at '%s' failed to satisfy"
        + " constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+";

    /** Provider text pattern: a tool use id that is empty or longer than 64 (AWS constraint wording). */
    public static final String ID_LENGTH = "1 validation error detected: Value '%s' at '%s' failed to satisfy"
        + " constraint: Member must have length less than or equal to 64";

    /** Provider text pattern: an empty tool use id (AWS constraint wording). */
    public static final String ID_EMPTY = "1 validation error detected: Value '' at '%s' failed to satisfy"
        + " constraint: Member must have length greater than or equal to 1";

    /** Provider text: two messages in a row with the same role. */
    public static final String ALTERNATE =
        "A conversation must alternate between user and assistant roles. Make sure the conversation"
            + " alternates between user and assistant roles and try again.";

    /** Provider text: the first message is not a user message. */
    public static final String START_WITH_USER =
        "A conversation must start with a user message. Try again with a conversation that starts with a"
            + " user message.";

    /** Referee wording in the provider's style: no {@code messages}. */
    public static final String MESSAGES_REQUIRED =
        "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not"
            + " be null";

    /** Referee wording: the body is not JSON. */
    public static final String NOT_JSON = "Could not parse request body into json.";

    /** Provider text: the body of an injected 500 ({@code InternalServerException}). */
    public static final String SERVER_ERROR = "The system encountered an unexpected error during processing."
        + " Try your request again.";

    /** Provider text: the body of an injected 429 ({@code ThrottlingException}). */
    public static final String RATE_LIMITED = "Too many requests, please wait before trying again.";

    /** Provider text pattern (AWS constraint wording): a role other than {@code user} and {@code assistant}. */
    public static final String BAD_ROLE = "1 validation error detected: Value %s at 'messages.%d.member.role' failed"
        + " to satisfy constraint: Member must satisfy enum value set: [user, assistant]";

    /** {@link #BAD_ROLE} filled in for message {@code message} (0-based; the text is 1-based), {@code role} null when absent. */
    public static String badRole(@Nullable String role, int message) {
      return String.format(Locale.ROOT, BAD_ROLE, role == null ? "null" : "'" + role + "'", message + 1);
    }

    /** {@link #EXPECTED_TOOL_RESULTS} filled in (ids joined with {@code ", "}). */
    public static String expectedToolResults(int message, Collection<String> ids) {
      return String.format(Locale.ROOT, EXPECTED_TOOL_RESULTS, message, String.join(", ", ids));
    }

    /** {@link #TOO_MANY_RESULTS} filled in. */
    public static String tooManyResults(int message) {
      return String.format(Locale.ROOT, TOO_MANY_RESULTS, message);
    }

    /** {@link #EMPTY_ERROR_RESULT} filled in. */
    public static String emptyErrorResult(int message, int block) {
      return String.format(Locale.ROOT, EMPTY_ERROR_RESULT, message, block);
    }

    /** The id rule's text for {@code id} at an AWS member path such as {@code messages.1.member.content.0.member.toolUse.toolUseId}. */
    public static String badId(String id, String at) {
      if (id.isEmpty()) {
        return String.format(Locale.ROOT, ID_EMPTY, at);
      }
      if (id.length() > 64) {
        return String.format(Locale.ROOT, ID_LENGTH, id, at);
      }
      return String.format(Locale.ROOT, ID_PATTERN, id, at);
    }
  }

  /**
   * Texts of Mistral chat completions (body {@code {"object":"error","message":…,"type":
   * "invalid_request_error","param":null,"code":null}}).
   */
  public static final class Mistral {

    private Mistral() {}

    /** Provider text pattern: a tool call id that is not 9 of {@code [a-zA-Z0-9]}. */
    public static final String BAD_ID = "Tool call id was %s but must be a-z, A-Z, 0-9, with a length of 9.";

    /** Provider text: the tool messages after a call turn do not match its calls in number. */
    public static final String COUNT = "Not the same number of function calls and responses";

    /** Provider text pattern: the last message is not user or tool (or an assistant prefix). */
    public static final String LAST_ROLE =
        "Expected last role User or Tool (or Assistant with prefix True) for serving but got %s";

    /** Referee wording: no {@code model}, no {@code messages}, a message without a known role. */
    public static final String MODEL_MISSING = "model: Field required";

    /** Referee wording: no {@code messages}. */
    public static final String MESSAGES_MISSING = "messages: Field required";

    /** Referee wording: an unknown role. */
    public static final String ROLE = "messages.%d.role: Input should be 'system', 'user', 'assistant' or 'tool'";

    /** Referee wording: the body is not JSON. */
    public static final String NOT_JSON = "Invalid JSON body";

    /** Provider text: the body of an injected 500. */
    public static final String SERVER_ERROR = "Internal server error";

    /** Provider text: the body of an injected 429. */
    public static final String RATE_LIMITED = "Requests rate limit exceeded";

    /** {@link #BAD_ID} filled in. */
    public static String badId(String id) {
      return String.format(Locale.ROOT, BAD_ID, id);
    }

    /** {@link #LAST_ROLE} filled in. */
    public static String lastRole(String role) {
      return String.format(Locale.ROOT, LAST_ROLE, role);
    }

    /** {@link #ROLE} filled in. */
    public static String role(int message) {
      return String.format(Locale.ROOT, ROLE, message);
    }
  }

  /** Texts of Ollama {@code /api/chat} (body {@code {"error":…}}): Go's JSON decoding errors and a few checks. */
  public static final class Ollama {

    private Ollama() {}

    /** Provider text: no {@code model}. */
    public static final String MODEL_REQUIRED = "model is required";

    /** Provider text pattern: a value of the wrong JSON type for a Go struct field. */
    public static final String UNMARSHAL = "json: cannot unmarshal %s into Go struct field %s of type %s";

    /** Provider text: the body is not JSON (Go's decoder at the end of a cut body). */
    public static final String NOT_JSON = "unexpected EOF";

    /** Provider text: the body of an injected 500. */
    public static final String SERVER_ERROR = "an error was encountered while running the model";

    /** Referee wording: the body of an injected 429. */
    public static final String RATE_LIMITED = "server busy, please try again.  maximum pending requests exceeded";

    /** {@link #UNMARSHAL} filled in, e.g. {@code ("string", "ChatRequest.messages.tool_calls.function.arguments", "api.ToolCallFunctionArguments")}. */
    public static String unmarshal(String jsonType, String field, String goType) {
      return String.format(Locale.ROOT, UNMARSHAL, jsonType, field, goType);
    }
  }
}
