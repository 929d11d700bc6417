package dev.toolguard.core;

import java.util.Map;

/**
 * A provider item that toolguard does not interpret and must keep untouched and in place:
 * reasoning items, thinking blocks and their signatures, encrypted content, server-side tool items.
 *
 * @param kind the provider's type name (for example {@code reasoning} or {@code thinking})
 * @param payload the item as the codec that read it keeps it (for example a JSON tree)
 * @param metadata provider attributes
 */
public record Opaque(String kind, Object payload, Map<String, Object> metadata) implements Content {

  /** Validates and copies the components. */
  public Opaque {
    Checks.requiredNonBlank(kind, "Opaque", "kind");
    Checks.required(payload, "Opaque", "payload");
    metadata = Metadata.copyOf(metadata, "Opaque ", kind);
  }

  /** An opaque item without metadata. */
  public static Opaque of(String kind, Object payload) {
    return new Opaque(kind, payload, Map.of());
  }
}
