/** The implementation of the hosted Responses endpoint: request parsing, approval tokens, output items. */
@NullMarked
package dev.toolguard.hosting.internal;

import org.jspecify.annotations.NullMarked;
