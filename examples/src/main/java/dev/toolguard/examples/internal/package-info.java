/** What the in-process ways of the tour share: the broken histories, HTTP, and how a cell is judged. */
@NullMarked
package dev.toolguard.examples.internal;

import org.jspecify.annotations.NullMarked;
