package dev.toolguard.core.internal;

import dev.toolguard.core.ToolCall;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;

/** A tool run as another one is, with its flags set: {@link LoopTool#returningDirect()}, {@link LoopTool#asIdempotent()}. */
public final class FlaggedTool implements LoopTool {

  private final LoopTool tool;
  private final boolean returnDirect;
  private final boolean idempotent;

  /** {@code tool} with these flags. */
  public FlaggedTool(LoopTool tool, boolean returnDirect, boolean idempotent) {
    this.tool = tool instanceof FlaggedTool flagged ? flagged.tool : tool;
    this.returnDirect = returnDirect;
    this.idempotent = idempotent;
  }

  @Override
  public ToolSpec spec() {
    return tool.spec();
  }

  @Override
  public String invoke(ToolCall call) throws Exception {
    return tool.invoke(call);
  }

  @Override
  public boolean returnDirect() {
    return returnDirect;
  }

  @Override
  public boolean idempotent() {
    return idempotent;
  }

  @Override
  public String toString() {
    return tool + (returnDirect ? "(returnDirect)" : "") + (idempotent ? "(idempotent)" : "");
  }
}
