package dev.toolguard.core;

import java.util.Map;

/**
 * Text said by a user, the system or the assistant.
 *
 * @param text the text, possibly empty
 * @param metadata provider attributes (annotations, cache control, part type, …)
 */
public record Text(String text, Map<String, Object> metadata) implements Content {

  /** Validates and copies the components. */
  public Text {
    Checks.required(text, "Text", "text");
    metadata = Metadata.copyOf(metadata, "Text", "");
  }

  /** A text without metadata. */
  public static Text of(String text) {
    return new Text(text, Map.of());
  }
}
