package dev.toolguard.core.loop;

/** Receives a streamed answer as it arrives. Called on the thread that runs the loop. */
@FunctionalInterface
public interface StreamHandler {

  /** A piece of assistant text, as it arrives. */
  void onText(String delta);

  /** A handler that ignores everything. */
  static StreamHandler ignoring() {
    return delta -> {};
  }
}
