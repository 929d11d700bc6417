/** Implementation of the Spring AI adapter: message mapping, the backend over the advisor chain, tools. */
@NullMarked
package dev.toolguard.springai.internal;

import org.jspecify.annotations.NullMarked;
