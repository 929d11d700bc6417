/**
 * The way {@code loop}: toolguard's own function-invoking loop over toolguard-json's HTTP backend,
 * bare (the backend alone) and guarded (the loop).
 */
@NullMarked
package dev.toolguard.examples.loop;

import org.jspecify.annotations.NullMarked;
