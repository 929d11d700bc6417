/**
 * Framework-free {@link dev.toolguard.core.loop.ChatBackend}s over the JDK {@code HttpClient} for
 * OpenAI Chat Completions, OpenAI Responses and Anthropic Messages (and compatible endpoints):
 * {@link dev.toolguard.json.http.HttpChatBackend}, configured by {@link dev.toolguard.json.http.HttpBackendConfig}.
 */
@NullMarked
package dev.toolguard.json.http;

import org.jspecify.annotations.NullMarked;
