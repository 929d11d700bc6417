package dev.toolguard.core;

import org.jspecify.annotations.Nullable;

/** Argument checks that fail with an {@link InvalidMessageException} naming the field. */
final class Checks {

  private Checks() {}

  static <T> T required(@Nullable T value, String type, String field) {
    if (value == null) {
      throw new InvalidMessageException(type + "." + field + " is null; give a value");
    }
    return value;
  }

  static String requiredNonBlank(@Nullable String value, String type, String field) {
    if (value == null || value.isBlank()) {
      throw new InvalidMessageException(
          type + "." + field + " is " + (value == null ? "null" : "blank") + "; give a non-blank value");
    }
    return value;
  }
}
