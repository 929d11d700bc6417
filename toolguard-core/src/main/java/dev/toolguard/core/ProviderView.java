package dev.toolguard.core;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The history as a provider may see it: approval requests, approval responses and informational
 * calls left out, and messages that held nothing else left out with them.
 */
public final class ProviderView {

  private ProviderView() {}

  /** {@code history} without informational contents; the same instance when it has none. */
  public static List<Message> of(List<Message> history) {
    List<Message> out = null;
    for (int i = 0; i < history.size(); i++) {
      Message m = history.get(i);
      Message view = strip(m);
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

  private static @Nullable Message strip(Message m) {
    int keep = 0;
    for (Content c : m.contents()) {
      if (!informational(c)) {
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
      if (!informational(c)) {
        contents.add(c);
      }
    }
    return m.withContents(contents);
  }
}
