package dev.toolguard.json.internal;

import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ids of an Ollama body, which has none: core needs every call to have an id unique in the
 * history, and every result the id of its call.
 *
 * <p>Call {@code K} of message {@code M} without an id gets {@code toolguard_M_K} (with {@code _2},
 * {@code _3}, … when the body uses that id already). The tool messages right after an assistant
 * message answer its calls as Ollama matches them, by order and name: each takes the first call not
 * yet answered whose tool it names in {@code tool_name}, or the first call not yet answered when it
 * names none. A tool message with no such call keeps no id (core reports it, and repair drops it or
 * binds it to the one call it can answer). The codec never writes an id the body did not have.
 */
final class OllamaIds {

  private OllamaIds() {}

  static List<Message> bind(List<Message> history) {
    Set<String> used = new HashSet<>();
    for (Message m : history) {
      for (Content c : m.contents()) {
        if (c instanceof ToolCall call && !call.callId().isEmpty()) {
          used.add(call.callId());
        }
      }
    }
    List<Message> out = new ArrayList<>(history);
    for (int i = 0; i < out.size(); i++) {
      Message m = out.get(i);
      if (m.role() != Role.ASSISTANT || !m.hasToolCalls()) {
        continue;
      }
      List<Content> contents = new ArrayList<>(m.contents());
      List<ToolCall> open = new ArrayList<>();
      boolean changed = false;
      for (int k = 0; k < contents.size(); k++) {
        if (!(contents.get(k) instanceof ToolCall call) || call.informational()) {
          continue;
        }
        if (call.callId().isEmpty()) {
          String base = "toolguard_" + i + "_" + k;
          String id = base;
          for (int n = 2; !used.add(id); n++) {
            id = base + "_" + n;
          }
          call = call.withCallId(id);
          contents.set(k, call);
          changed = true;
        }
        open.add(call);
      }
      if (changed) {
        out.set(i, m.withContents(contents));
      }
      for (int j = i + 1; j < out.size() && out.get(j).role() == Role.TOOL; j++) {
        Message t = out.get(j);
        List<Content> results = new ArrayList<>(t.contents());
        boolean bound = false;
        for (int k = 0; k < results.size(); k++) {
          ToolResult r = (ToolResult) results.get(k);
          if (!r.callId().isEmpty()) {
            open.removeIf(c -> c.callId().equals(r.callId()));
            continue;
          }
          ToolCall match = null;
          for (ToolCall c : open) {
            if (r.name() == null || r.name().equals(c.name())) {
              match = c;
              break;
            }
          }
          if (match != null) {
            open.remove(match);
            results.set(k, r.withCallId(match.callId()));
            bound = true;
          }
        }
        if (bound) {
          out.set(j, t.withContents(results));
        }
      }
    }
    return out;
  }
}
