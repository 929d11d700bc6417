/** JMH benchmarks of toolguard-spring-ai on the real path: ChatClient and OpenAiChatModel over HTTP to the referee. */
@NullMarked
package dev.toolguard.benchmarks.springai;

import org.jspecify.annotations.NullMarked;
