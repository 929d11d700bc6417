/** Implementation of toolguard-jdbc; not an API, may change in any release. */
@NullMarked
package dev.toolguard.jdbc.internal;

import org.jspecify.annotations.NullMarked;
