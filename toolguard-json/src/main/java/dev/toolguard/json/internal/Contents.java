package dev.toolguard.json.internal;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Metadata edits on contents, which are immutable records. */
public final class Contents {

  private Contents() {}

  /** A copy of {@code metadata} with {@code key} set to {@code value}. */
  public static Map<String, Object> with(Map<String, Object> metadata, String key, Object value) {
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(metadata);
    copy.put(key, value);
    return Collections.unmodifiableMap(copy);
  }

  /** A copy of {@code metadata} without {@code key}; the same map if it has no such key. */
  public static Map<String, Object> without(Map<String, Object> metadata, String key) {
    if (!metadata.containsKey(key)) {
      return metadata;
    }
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(metadata);
    copy.remove(key);
    return Collections.unmodifiableMap(copy);
  }

  /** {@code c} with other metadata. */
  public static Content withMetadata(Content c, Map<String, Object> metadata) {
    if (c instanceof Text) {
      return new Text(((Text) c).text(), metadata);
    } else if (c instanceof ToolCall) {
      ToolCall t = (ToolCall) c;
      return new ToolCall(t.callId(), t.name(), t.argumentsJson(), t.informational(), metadata);
    } else if (c instanceof ToolResult) {
      ToolResult r = (ToolResult) c;
      return new ToolResult(r.callId(), r.name(), r.output(), r.error(), metadata);
    } else if (c instanceof Opaque) {
      Opaque o = (Opaque) c;
      return new Opaque(o.kind(), o.payload(), metadata);
    } else if (c instanceof ApprovalRequest) {
      ApprovalRequest a = (ApprovalRequest) c;
      return new ApprovalRequest(a.callId(), a.call(), metadata);
    } else if (c instanceof ApprovalResponse) {
      ApprovalResponse a = (ApprovalResponse) c;
      return new ApprovalResponse(a.callId(), a.call(), a.decision(), metadata);
    }
    throw new IllegalArgumentException("unknown content " + c.getClass().getName());
  }

  /** {@code c} with {@code key} set to {@code value} in its metadata. */
  public static Content with(Content c, String key, Object value) {
    return withMetadata(c, with(c.metadata(), key, value));
  }

  /** {@code c} without {@code key} in its metadata; the same content if it has no such key. */
  public static Content without(Content c, String key) {
    return c.metadata().containsKey(key) ? withMetadata(c, without(c.metadata(), key)) : c;
  }

  /** True for what is never written to a provider: approval contents and informational calls. */
  public static boolean informational(Content c) {
    return c instanceof ApprovalRequest
        || c instanceof ApprovalResponse
        || (c instanceof ToolCall && ((ToolCall) c).informational());
  }
}
