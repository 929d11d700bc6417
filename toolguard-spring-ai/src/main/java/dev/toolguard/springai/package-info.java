/**
 * toolguard for Spring AI 2: an advisor that owns a {@code ChatClient}'s tool loop, a repair-only
 * advisor, and a chat-memory decorator that never hands out a broken history.
 */
@NullMarked
package dev.toolguard.springai;

import org.jspecify.annotations.NullMarked;
