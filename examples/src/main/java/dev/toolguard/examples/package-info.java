/**
 * The toolguard tour: every failure class of the design, bare and guarded, for each way in, as one
 * table; run {@link dev.toolguard.examples.Tour}.
 */
@NullMarked
package dev.toolguard.examples;

import org.jspecify.annotations.NullMarked;
