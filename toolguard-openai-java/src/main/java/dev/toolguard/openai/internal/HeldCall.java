package dev.toolguard.openai.internal;

import org.jspecify.annotations.Nullable;

/**
 * A call that a response the client saw asked for: what the adapter remembers of it, so that an
 * output answering it in a later request (with {@code previous_response_id}, a {@code conversation}
 * or an item reference) is known to be valid.
 *
 * @param callId the call id outputs quote
 * @param name the tool's name
 * @param arguments the arguments (or the input of a custom tool call)
 * @param type the item type: {@code function_call} or {@code custom_tool_call}
 * @param itemId the item id of the call ({@code fc_…}), or null
 */
public record HeldCall(String callId, String name, String arguments, String type, @Nullable String itemId) {}
