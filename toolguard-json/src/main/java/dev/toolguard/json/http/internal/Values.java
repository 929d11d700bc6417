package dev.toolguard.json.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.json.internal.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Plain Java values (and Jackson trees) as JSON, for body fields and request options. */
public final class Values {

  private static final JsonNodeFactory NODES = Json.NODES;

  private Values() {}

  /**
   * {@code value} as a JSON tree: a string, number, boolean, null, a {@code JsonNode} (copied), or a
   * {@code Map} with string keys / a {@code List} of those.
   *
   * @throws IllegalArgumentException naming {@code path} for a value of another type
   */
  public static JsonNode toJson(@Nullable Object value, String path) {
    if (value == null) {
      return NODES.nullNode();
    } else if (value instanceof JsonNode) {
      return ((JsonNode) value).deepCopy();
    } else if (value instanceof String) {
      return NODES.textNode((String) value);
    } else if (value instanceof Boolean) {
      return NODES.booleanNode((Boolean) value);
    } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return NODES.numberNode(((Number) value).intValue());
    } else if (value instanceof Long) {
      return NODES.numberNode((Long) value);
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(path + " is " + d + ", which JSON cannot hold");
      }
      return NODES.numberNode(new BigDecimal(value.toString()));
    } else if (value instanceof BigDecimal) {
      return NODES.numberNode((BigDecimal) value);
    } else if (value instanceof BigInteger) {
      return NODES.numberNode((BigInteger) value);
    } else if (value instanceof Map) {
      ObjectNode o = NODES.objectNode();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new IllegalArgumentException(path + " has a key " + e.getKey() + " that is not a string");
        }
        String key = (String) e.getKey();
        o.set(key, toJson(e.getValue(), path + "." + key));
      }
      return o;
    } else if (value instanceof List) {
      ArrayNode a = NODES.arrayNode();
      List<?> list = (List<?>) value;
      for (int i = 0; i < list.size(); i++) {
        a.add(toJson(list.get(i), path + "[" + i + "]"));
      }
      return a;
    }
    throw new IllegalArgumentException(path + " is a " + value.getClass().getName() + "; give a string, number,"
        + " boolean, null, a Jackson JsonNode, or a Map / List of those");
  }
}
