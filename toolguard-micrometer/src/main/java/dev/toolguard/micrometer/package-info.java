/** Micrometer Observations and counters of toolguard's loop, as a {@link dev.toolguard.core.loop.LoopListener}. */
@NullMarked
package dev.toolguard.micrometer;

import org.jspecify.annotations.NullMarked;
