/**
 * The tour's way in through LangChain4j: its own {@code OpenAiChatModel} against the referee, bare and
 * wrapped by {@code dev.toolguard.langchain4j.LangChain4jToolGuard}, and the approvals through {@code ToolLoop}.
 */
@NullMarked
package dev.toolguard.examples.langchain4j;

import org.jspecify.annotations.NullMarked;
