/** The implementation of the HTTP backends: request bodies, answers, server-sent events and the exchange. */
@NullMarked
package dev.toolguard.json.http.internal;

import org.jspecify.annotations.NullMarked;
