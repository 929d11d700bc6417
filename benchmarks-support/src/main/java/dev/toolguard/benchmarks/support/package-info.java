/** What the framework benchmark modules share: the referee, the replies, history shapes, smoke runs. */
@NullMarked
package dev.toolguard.benchmarks.support;

import org.jspecify.annotations.NullMarked;
