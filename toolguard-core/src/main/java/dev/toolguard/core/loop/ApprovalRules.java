package dev.toolguard.core.loop;

import dev.toolguard.core.ToolCall;
import dev.toolguard.core.internal.Json;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * "Always approve" rules that a user grants while the application runs: for every call of a tool,
 * or for calls of a tool with exactly some arguments. Thread-safe; the application keeps one per
 * user or session and persists it as it likes. A call covered by a rule runs without asking.
 */
public final class ApprovalRules {

  private final Set<String> tools = ConcurrentHashMap.newKeySet();
  private final Set<String> exactCalls = ConcurrentHashMap.newKeySet();

  private ApprovalRules() {}

  /** Rules that approve nothing yet. */
  public static ApprovalRules create() {
    return new ApprovalRules();
  }

  /** From now on, every call of {@code toolName} is approved. */
  public ApprovalRules alwaysApprove(String toolName) {
    tools.add(requireName(toolName));
    return this;
  }

  /**
   * From now on, calls of {@code toolName} with arguments equal (as JSON values) to {@code
   * argumentsJson} are approved.
   */
  public ApprovalRules alwaysApprove(String toolName, String argumentsJson) {
    if (argumentsJson == null) {
      throw new IllegalArgumentException("argumentsJson must not be null");
    }
    exactCalls.add(key(requireName(toolName), argumentsJson));
    return this;
  }

  /** Removes every rule for {@code toolName}. */
  public ApprovalRules revoke(String toolName) {
    tools.remove(toolName);
    exactCalls.removeIf(k -> k.startsWith(toolName + '\u0000'));
    return this;
  }

  /** True when a rule approves {@code call}. */
  public boolean approves(ToolCall call) {
    return tools.contains(call.name())
        || (!exactCalls.isEmpty() && exactCalls.contains(key(call.name(), call.argumentsJson())));
  }

  private static String key(String tool, String args) {
    String canonical = Json.canonical(args);
    return tool + '\u0000' + (canonical == null ? args : canonical);
  }

  private static String requireName(String toolName) {
    if (toolName == null || toolName.isBlank()) {
      throw new IllegalArgumentException("toolName must not be blank");
    }
    return toolName;
  }
}
