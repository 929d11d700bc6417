package dev.toolguard.json;

/**
 * The metadata keys that the codecs of this module write on messages and contents so that writing
 * a history back reproduces the body it was read from. All keys start with {@code toolguard.json.};
 * a codec writes nothing to the wire from metadata under other keys.
 *
 * <p>Templates are Jackson {@code ObjectNode}s: the wire object as read. The values that the core
 * model holds too (texts, arguments, outputs) stay in it as the very strings that the records hold,
 * so a history does not hold them twice; only an Anthropic {@code tool_use} {@code input} longer than
 * 1024 characters as compact JSON is blanked to {@code {}}, as the arguments are a text of their own.
 * Writing puts a template into the body as it is while the record's values are still the
 * template's; otherwise it writes the template with the modelled fields set from the record, every
 * other field in place and in order. Treat templates as immutable. {@link HistoryJson} stores
 * templates whole, so the modelled values appear in a stored history twice.
 */
public final class WireMetadata {

  /**
   * The template of the wire object a message or content was read from (a message, a tool call, a
   * content part or block, an input item).
   */
  public static final String NODE = "toolguard.json.node";

  /**
   * OpenAI Responses: on the first content of a {@code message} input item, the template of that
   * item; the item's other parts follow with {@link #JOINED}.
   */
  public static final String ITEM = "toolguard.json.item";

  /**
   * {@code Boolean.TRUE} on a message (Anthropic) or a content (OpenAI Responses) that is written
   * into the same wire message or item as the one before it.
   */
  public static final String JOINED = "toolguard.json.joined";

  /**
   * Anthropic: on the first content of a second (third, …) assistant message of a run of
   * consecutive assistant messages, which core sees as one turn, the template of that wire message.
   */
  public static final String MESSAGE = "toolguard.json.message";

  /**
   * OpenAI Responses: {@code Boolean.TRUE} on an {@code Opaque} that is a content part of a message
   * item (an image, a file, a refusal) rather than a whole input item.
   */
  public static final String PART = "toolguard.json.part";

  /**
   * OpenAI Responses: {@code Boolean.TRUE} on a tool call that is not in the body but answered by a
   * {@code function_call_output} of it: a call of the previous response ({@code previous_response_id},
   * {@code conversation}) or of a referenced item. Never written.
   */
  public static final String VIRTUAL = "toolguard.json.virtual";

  /**
   * OpenAI Chat: {@code Boolean.TRUE} on a message of a role that the model does not map (the
   * deprecated {@code function} role), kept whole as the payload of its one {@code Opaque}.
   */
  public static final String VERBATIM = "toolguard.json.verbatim";

  /**
   * OpenAI Responses: the pairing of a reasoning item and the item of the model's side read directly
   * after it, when that item has a server {@code id}: on the reasoning item's {@code Opaque}, the
   * item's id; on the content that starts the item, the reasoning item's id. The service produced
   * them together and refuses either without the other; check and repair keep them together (an
   * item whose reasoning item is gone goes without its id, a reasoning item before another item is
   * removed). Never written.
   */
  public static final String PAIRED = "toolguard.json.paired";

  private WireMetadata() {}
}
