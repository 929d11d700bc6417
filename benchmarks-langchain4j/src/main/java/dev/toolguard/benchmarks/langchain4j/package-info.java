/** JMH benchmarks of toolguard-langchain4j on the real path: AiServices and OpenAiChatModel over HTTP to the referee. */
@NullMarked
package dev.toolguard.benchmarks.langchain4j;

import org.jspecify.annotations.NullMarked;
