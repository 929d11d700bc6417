/**
 * Serves a guarded agent over the OpenAI Responses API: {@link dev.toolguard.hosting.ResponsesServer}
 * on the JDK HTTP server, with calls that wait for approval as signed {@code mcp_approval_request} items.
 */
@NullMarked
package dev.toolguard.hosting;

import org.jspecify.annotations.NullMarked;
