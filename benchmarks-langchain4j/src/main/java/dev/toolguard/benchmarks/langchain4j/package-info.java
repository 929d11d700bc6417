/** JMH benchmarks of toolguard-langchain4j on the real path: AiServices, OpenAiChatModel, HTTP to the referee. */
@NullMarked
package dev.toolguard.benchmarks.langchain4j;

import org.jspecify.annotations.NullMarked;
