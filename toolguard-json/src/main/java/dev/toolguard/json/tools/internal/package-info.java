/** The implementation of the typed tools: schemas from Java types, argument binding and checking. */
@NullMarked
package dev.toolguard.json.tools.internal;

import org.jspecify.annotations.NullMarked;
