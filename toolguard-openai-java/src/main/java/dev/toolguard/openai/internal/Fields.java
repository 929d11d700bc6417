package dev.toolguard.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.JsonField;
import com.openai.core.JsonMissing;
import java.util.Iterator;
import java.util.Map;

/** Small helpers for openai-java's JSON fields. */
final class Fields {

  private Fields() {}

  /** The "absent" value of any field: the field is left out of the JSON. */
  @SuppressWarnings("unchecked")
  static <T> JsonField<T> missing() {
    return (JsonField<T>) (JsonField<?>) JsonMissing.of();
  }

  /**
   * The properties of a JSON object. {@code fields()} is deprecated in recent Jackson, but
   * openai-java runs on Jackson 2.13 and later, and its replacement {@code properties()} came in 2.15.
   */
  @SuppressWarnings("deprecation")
  static Iterator<Map.Entry<String, JsonNode>> entries(JsonNode node) {
    return node.fields();
  }
}
