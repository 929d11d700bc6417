/**
 * The function-invoking loop: it runs the tools a model asks for, keeps every turn atomic, and
 * suspends for human approval or client-side tools with the pending state kept in the history.
 */
@NullMarked
package dev.toolguard.core.loop;

import org.jspecify.annotations.NullMarked;
