/**
 * An embedded, strict provider referee (a real HTTP server that speaks OpenAI Chat Completions,
 * OpenAI Responses, Anthropic Messages, Gemini, Bedrock Converse, Mistral and Ollama on loopback) and a
 * scripted model, for tests and examples.
 *
 * <p>Start one with {@link dev.toolguard.testkit.ProviderReferee#start()}.
 */
@NullMarked
package dev.toolguard.testkit;

import org.jspecify.annotations.NullMarked;
