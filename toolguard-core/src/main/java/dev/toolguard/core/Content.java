package dev.toolguard.core;

import java.util.Map;

/**
 * One part of a {@link Message}: text, a tool call, a tool result, an approval request or
 * response, or an opaque provider item that must travel untouched.
 */
public sealed interface Content
    permits Text, ToolCall, ToolResult, ApprovalRequest, ApprovalResponse, Opaque {

  /** Provider attributes and unknown wire fields of this content; never null, unmodifiable. */
  Map<String, Object> metadata();
}
