/** The implementation of toolguard-micrometer's listener; not an API. */
@NullMarked
package dev.toolguard.micrometer.internal;

import org.jspecify.annotations.NullMarked;
