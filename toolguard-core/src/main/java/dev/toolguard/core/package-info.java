/**
 * The conversation model of toolguard, the call/result invariant and its loss-minimal repair.
 *
 * <p>A history is a {@code List<}{@link dev.toolguard.core.Message}{@code >}; {@link
 * dev.toolguard.core.HistoryGuard} checks it against the invariant and repairs it.
 */
@NullMarked
package dev.toolguard.core;

import org.jspecify.annotations.NullMarked;
