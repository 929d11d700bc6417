/** JMH benchmarks of toolguard. */
@NullMarked
package dev.toolguard.benchmarks;

import org.jspecify.annotations.NullMarked;
