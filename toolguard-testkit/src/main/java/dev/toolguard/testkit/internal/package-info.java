/** Implementation of the referee: validation rules, rendering and SSE; not an API. */
@NullMarked
package dev.toolguard.testkit.internal;

import org.jspecify.annotations.NullMarked;
