/** Implementation of toolguard-core; not an API, may change in any release. */
@NullMarked
package dev.toolguard.core.internal;

import org.jspecify.annotations.NullMarked;
