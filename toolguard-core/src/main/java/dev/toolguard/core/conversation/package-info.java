/**
 * Conversations kept in a store: the one flow every adapter runs — load, append, run the loop, store
 * with the version it read.
 */
@NullMarked
package dev.toolguard.core.conversation;

import org.jspecify.annotations.NullMarked;
