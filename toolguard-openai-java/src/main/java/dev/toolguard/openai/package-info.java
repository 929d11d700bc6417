/**
 * toolguard for openai-java: a decorated {@code OpenAIClient} whose Chat Completions and Responses
 * requests are repaired by the tool call invariant before they are sent, and the function-invoking
 * loop over openai-java types. The entry point is {@link dev.toolguard.openai.OpenAiToolGuard}.
 */
@NullMarked
package dev.toolguard.openai;

import org.jspecify.annotations.NullMarked;
