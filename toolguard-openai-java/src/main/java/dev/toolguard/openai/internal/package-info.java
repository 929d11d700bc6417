/** Implementation of toolguard-openai-java; not an API, may change in any release. */
@NullMarked
package dev.toolguard.openai.internal;

import org.jspecify.annotations.NullMarked;
