/** The implementation of toolguard-json: the dialect codecs, the dialect limits and the JSON helpers. */
@NullMarked
package dev.toolguard.json.internal;

import org.jspecify.annotations.NullMarked;
