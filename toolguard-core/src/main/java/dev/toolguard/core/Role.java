package dev.toolguard.core;

/** Who speaks in a {@link Message}. */
public enum Role {
  /** Instructions for the model. */
  SYSTEM,
  /** The human (or the application speaking for the human). */
  USER,
  /** The model: text, tool calls and approval requests. */
  ASSISTANT,
  /** Results of tool calls, one {@link ToolResult} or more. */
  TOOL
}
