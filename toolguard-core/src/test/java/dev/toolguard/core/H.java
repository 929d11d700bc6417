package dev.toolguard.core;

import java.util.List;

/** Short builders for histories in tests. */
final class H {
  private H() {}

  static Message user(String text) {
    return Message.user(text);
  }

  static Message system(String text) {
    return Message.system(text);
  }

  static Message text(String text) {
    return Message.assistant(text);
  }

  static ToolCall call(String id, String name) {
    return ToolCall.of(id, name, "{\"q\":\"" + id + "\"}");
  }

  static ToolResult result(String id, String name) {
    return ToolResult.of(id, name, "out-" + id);
  }

  /** An assistant message with calls of tool "t" for the ids. */
  static Message calls(String... ids) {
    Content[] contents = new Content[ids.length];
    for (int i = 0; i < ids.length; i++) {
      contents[i] = call(ids[i], "t");
    }
    return Message.assistant(contents);
  }

  /** A tool message with one result of tool "t" per id. */
  static Message results(String... ids) {
    ToolResult[] results = new ToolResult[ids.length];
    for (int i = 0; i < ids.length; i++) {
      results[i] = result(ids[i], "t");
    }
    return Message.tool(results);
  }

  static Message res(String id) {
    return results(id);
  }

  static List<Message> history(Message... messages) {
    return List.of(messages);
  }

  static ToolResult synthetic(String id, String name) {
    return new ToolResult(id, name, RepairPolicy.ofDefaults().missingResultText(ToolCall.of(id, name, "{}")), true,
        java.util.Map.of(Metadata.SYNTHETIC, Metadata.SYNTHETIC_BY_REPAIR));
  }
}
