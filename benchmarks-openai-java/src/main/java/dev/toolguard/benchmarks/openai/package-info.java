/** JMH benchmarks of toolguard-openai-java on the real path: the official client over HTTP to the referee. */
@NullMarked
package dev.toolguard.benchmarks.openai;

import org.jspecify.annotations.NullMarked;
