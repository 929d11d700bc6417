/**
 * toolguard for LangChain4j: a guarded {@code ChatModel}, {@code StreamingChatModel} and {@code ChatMemory}, and the function-invoking loop over LangChain4j tools.
 */
@NullMarked
package dev.toolguard.langchain4j;

import org.jspecify.annotations.NullMarked;
