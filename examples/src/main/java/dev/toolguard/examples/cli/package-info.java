/**
 * The way {@code cli}: the {@code toolguard repair} command line on broken request bodies, bare (the
 * body POSTed as it is) and guarded (the repaired body POSTed).
 */
@NullMarked
package dev.toolguard.examples.cli;

import org.jspecify.annotations.NullMarked;
