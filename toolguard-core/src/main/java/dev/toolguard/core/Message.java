package dev.toolguard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One turn of a conversation: a role and an ordered list of contents.
 *
 * <p>Which contents a role can hold is fixed: {@link ToolCall} and {@link ApprovalRequest} only
 * under {@link Role#ASSISTANT}; {@link ApprovalResponse} only under {@link Role#USER}; a {@link
 * Role#TOOL} message holds {@link ToolResult}s and nothing else, and results stand nowhere else.
 *
 * @param role who speaks
 * @param contents what is said, in order
 * @param metadata provider attributes of the message (name, id, cache control, …)
 */
public record Message(Role role, List<Content> contents, Map<String, Object> metadata) {

  /** Validates and copies the components. */
  public Message {
    Checks.required(role, "Message", "role");
    Checks.required(contents, "Message", "contents");
    contents = List.copyOf(checkContents(role, contents));
    metadata = Metadata.copyOf(metadata, "Message", role);
  }

  private static List<Content> checkContents(Role role, List<? extends Content> contents) {
    for (int i = 0; i < contents.size(); i++) {
      Content c = contents.get(i);
      if (c == null) {
        throw new InvalidMessageException("Message(" + role + ").contents[" + i + "] is null; leave it out");
      }
      boolean allowed;
      if (c instanceof ToolCall || c instanceof ApprovalRequest) {
        allowed = role == Role.ASSISTANT;
      } else if (c instanceof ApprovalResponse) {
        allowed = role == Role.USER;
      } else if (c instanceof ToolResult) {
        allowed = role == Role.TOOL;
      } else {
        allowed = role != Role.TOOL;
      }
      if (!allowed) {
        throw new InvalidMessageException(
            "Message(" + role + ").contents[" + i + "] is a " + c.getClass().getSimpleName()
                + ", which a " + role + " message cannot hold; " + placeHint(c));
      }
    }
    @SuppressWarnings("unchecked")
    List<Content> list = (List<Content>) contents;
    return list;
  }

  private static String placeHint(Content c) {
    if (c instanceof ToolCall) {
      return "tool calls belong in an ASSISTANT message";
    } else if (c instanceof ApprovalRequest) {
      return "approval requests belong in an ASSISTANT message";
    } else if (c instanceof ApprovalResponse) {
      return "approval responses belong in a USER message";
    } else if (c instanceof ToolResult) {
      return "tool results belong in a TOOL message";
    }
    return "a TOOL message holds only ToolResults; put anything else in another message";
  }

  /** A message of {@code role} with {@code contents} and no metadata. */
  public static Message of(Role role, Content... contents) {
    return new Message(role, List.of(contents), Map.of());
  }

  /** A system message with one text. */
  public static Message system(String text) {
    return of(Role.SYSTEM, Text.of(text));
  }

  /** A user message with one text. */
  public static Message user(String text) {
    return of(Role.USER, Text.of(text));
  }

  /** An assistant message with one text. */
  public static Message assistant(String text) {
    return of(Role.ASSISTANT, Text.of(text));
  }

  /** An assistant message with the given contents (text, calls, approval requests, opaque items). */
  public static Message assistant(Content... contents) {
    return of(Role.ASSISTANT, contents);
  }

  /** A tool message with the given results. */
  public static Message tool(ToolResult... results) {
    return of(Role.TOOL, results);
  }

  /** The calls of this message that must be answered (informational copies left out), in order. */
  public List<ToolCall> toolCalls() {
    List<ToolCall> calls = null;
    for (Content c : contents) {
      if (c instanceof ToolCall call && !call.informational()) {
        if (calls == null) {
          calls = new ArrayList<>(4);
        }
        calls.add(call);
      }
    }
    return calls == null ? List.of() : List.copyOf(calls);
  }

  /** True when this message has at least one call that must be answered. */
  public boolean hasToolCalls() {
    for (Content c : contents) {
      if (c instanceof ToolCall call && !call.informational()) {
        return true;
      }
    }
    return false;
  }

  /** The results in this message, in order. */
  public List<ToolResult> toolResults() {
    List<ToolResult> results = new ArrayList<>(contents.size());
    for (Content c : contents) {
      if (c instanceof ToolResult r) {
        results.add(r);
      }
    }
    return List.copyOf(results);
  }

  /** The texts of this message joined by newlines; empty when it has none. */
  public String text() {
    StringBuilder sb = new StringBuilder();
    for (Content c : contents) {
      if (c instanceof Text t) {
        if (sb.length() > 0) {
          sb.append('\n');
        }
        sb.append(t.text());
      }
    }
    return sb.toString();
  }

  /** This message with other contents and the same role and metadata. */
  public Message withContents(List<? extends Content> newContents) {
    return new Message(role, List.copyOf(newContents), metadata);
  }
}
