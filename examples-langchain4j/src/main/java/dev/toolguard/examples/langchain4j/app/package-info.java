/**
 * A LangChain4j {@code AiServices} bank assistant with tool approval, to copy: {@link
 * dev.toolguard.examples.langchain4j.app.BankAssistant}.
 */
@NullMarked
package dev.toolguard.examples.langchain4j.app;

import org.jspecify.annotations.NullMarked;
