package dev.toolguard.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The history as a provider may see it: approval requests, approval responses and informational
 * calls left out, results that answer a call still waiting as an approval request (a client-side
 * call answered with its output, before the loop takes it in) left out, and messages that held
 * nothing else left out with them.
 */
public final class ProviderView {

  private ProviderView() {}

  /** {@code history} without informational contents; the same instance when it has none. */
  public static List<Message> of(List<Message> history) {
    Set<String> waiting = waitingCallIds(history);
    List<Message> out = null;
    for (int i = 0; i < history.size(); i++) {
      Message m = history.get(i);
      Message view = strip(m, waiting);
      if (view != m && out == null) {
        out = new ArrayList<>(history.subList(0, i));
      }
      if (out != null && view != null) {
        out.add(view);
      }
    }
    return out == null ? history : List.copyOf(out);
  }

  /** True for contents that are never sent to a provider. */
  public static boolean informational(Content c) {
    return c instanceof ApprovalRequest || c instanceof ApprovalResponse
        || (c instanceof ToolCall call && call.informational());
  }

  /** Ids of approval requests that no call of the history has taken the place of; empty if none. */
  private static Set<String> waitingCallIds(List<Message> history) {
    Set<String> waiting = null;
    for (int i = 0; i < history.size(); i++) {
      Message m = history.get(i);
      if (m.role() != Role.ASSISTANT) {
        continue;
      }
      List<Content> contents = m.contents();
      for (int k = 0; k < contents.size(); k++) {
        if (contents.get(k) instanceof ApprovalRequest r) {
          if (waiting == null) {
            waiting = new HashSet<>();
          }
          waiting.add(r.callId());
        }
      }
    }
    if (waiting == null) {
      return Set.of(); // the common case: no call waits, and no set of the calls is needed
    }
    for (int i = 0; i < history.size() && !waiting.isEmpty(); i++) {
      Message m = history.get(i);
      if (m.role() != Role.ASSISTANT) {
        continue;
      }
      List<Content> contents = m.contents();
      for (int k = 0; k < contents.size(); k++) {
        if (contents.get(k) instanceof ToolCall call && !call.informational()) {
          waiting.remove(call.callId());
        }
      }
    }
    return waiting;
  }

  private static boolean hidden(Content c, Set<String> waiting) {
    return informational(c) || (!waiting.isEmpty() && c instanceof ToolResult r && waiting.contains(r.callId()));
  }

  private static @Nullable Message strip(Message m, Set<String> waiting) {
    int keep = 0;
    List<Content> all = m.contents();
    for (int k = 0; k < all.size(); k++) {
      if (!hidden(all.get(k), waiting)) {
        keep++;
      }
    }
    if (keep == m.contents().size()) {
      return m;
    }
    if (keep == 0) {
      return null;
    }
    List<Content> contents = new ArrayList<>(keep);
    for (Content c : m.contents()) {
      if (!hidden(c, waiting)) {
        contents.add(c);
      }
    }
    return m.withContents(contents);
  }
}
