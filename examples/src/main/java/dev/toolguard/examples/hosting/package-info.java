/**
 * A copyable hosted agent: toolguard's loop served over the OpenAI Responses API (toolguard-hosting),
 * with its refunds waiting for approval as {@code mcp_approval_request} items.
 */
@NullMarked
package dev.toolguard.examples.hosting;

import org.jspecify.annotations.NullMarked;
