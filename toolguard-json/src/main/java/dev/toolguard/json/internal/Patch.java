package dev.toolguard.json.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.BaseJsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A JSON object being written from a template: fields set, replaced or removed as on a copy of the
 * template, with the order a {@code LinkedHashMap} gives (a replaced field keeps its place, a new
 * or re-added one goes last).
 *
 * <p>For a tree that is handed out it is exactly that: a deep copy of the template, edited in
 * place. For a body that is only serialized ({@code share}), the template is not copied: the edits
 * are kept beside it and {@link #node()} is a node that writes the template with the edits applied,
 * so writing a body costs little more than serializing it.
 */
final class Patch implements JsonSerializable {

  private static final Object REMOVED = new Object();

  /** The copy edited in place, when the result is a tree; null for an overlay. */
  private final @Nullable ObjectNode tree;
  /** The template under the edits, for an overlay. */
  private final @Nullable ObjectNode base;
  private String[] keys = new String[4];
  /** A JsonNode, a nested Patch, or REMOVED. */
  private Object[] values = new Object[4];
  /** True for an edit that adds its key at the end (not in the template, or removed and added again). */
  private boolean[] appended = new boolean[4];
  private int n;

  private Patch(@Nullable ObjectNode tree, @Nullable ObjectNode base) {
    this.tree = tree;
    this.base = base;
  }

  /** An object to write from {@code template} (an empty object when null). */
  static Patch of(@Nullable ObjectNode template, boolean share) {
    if (!share) {
      return new Patch(template == null ? Json.object() : template.deepCopy(), null);
    }
    return new Patch(null, template == null ? EMPTY : template);
  }

  private static final ObjectNode EMPTY = Json.object();

  /** The object to put into the written body. */
  JsonNode node() {
    return tree != null ? tree : new POJONode(this);
  }

  private int find(String key, boolean add) {
    for (int i = 0; i < n; i++) {
      if (appended[i] == add && keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /** Sets {@code key} to {@code value} (a string, or JSON null when null). */
  Patch put(String key, @Nullable String value) {
    return set(key, value == null ? Json.NODES.nullNode() : Json.NODES.textNode(value));
  }

  /** Sets {@code key} to {@code value}. */
  Patch put(String key, boolean value) {
    return set(key, Json.NODES.booleanNode(value));
  }

  /** Sets {@code key} to JSON null. */
  Patch putNull(String key) {
    return set(key, Json.NODES.nullNode());
  }

  /** Sets {@code key} to {@code value}. */
  Patch set(String key, JsonNode value) {
    if (tree != null) {
      tree.set(key, value);
      return this;
    }
    edit(key, value);
    return this;
  }

  private void edit(String key, Object value) {
    int added = find(key, true);
    if (added >= 0) {
      values[added] = value;
      return;
    }
    int own = find(key, false);
    if (own >= 0 && values[own] != REMOVED) {
      values[own] = value;
    } else if (own < 0 && base.has(key)) {
      append(key, value, false);
    } else {
      append(key, value, true); // a new key, or one removed before: it goes last
    }
  }

  private void append(String key, Object value, boolean add) {
    if (n == keys.length) {
      keys = java.util.Arrays.copyOf(keys, n * 2);
      values = java.util.Arrays.copyOf(values, n * 2);
      appended = java.util.Arrays.copyOf(appended, n * 2);
    }
    keys[n] = key;
    values[n] = value;
    appended[n] = add;
    n++;
  }

  /** Removes {@code key}. */
  void remove(String key) {
    if (tree != null) {
      tree.remove(key);
      return;
    }
    int added = find(key, true);
    if (added >= 0) {
      System.arraycopy(keys, added + 1, keys, added, n - added - 1);
      System.arraycopy(values, added + 1, values, added, n - added - 1);
      System.arraycopy(appended, added + 1, appended, added, n - added - 1);
      n--;
      return;
    }
    int own = find(key, false);
    if (own >= 0) {
      values[own] = REMOVED;
    } else if (base.has(key)) {
      append(key, REMOVED, false);
    }
  }

  /** The value of {@code key}, or null; a nested object being edited is given as written so far. */
  @Nullable JsonNode get(String key) {
    if (tree != null) {
      return tree.get(key);
    }
    int i = find(key, true);
    if (i < 0) {
      i = find(key, false);
    }
    if (i < 0) {
      return base.get(key);
    }
    Object v = values[i];
    return v == REMOVED ? null : v instanceof Patch ? ((Patch) v).node() : (JsonNode) v;
  }

  /** True when {@code key} has a value. */
  boolean has(String key) {
    return get(key) != null;
  }

  /** The value of {@code key}, or a missing node. */
  JsonNode path(String key) {
    JsonNode v = get(key);
    return v == null ? MissingNode.getInstance() : v;
  }

  /**
   * The object value of {@code key}, to edit: a new empty object when it is not an object; its
   * edits show in this object.
   */
  Patch object(String key) {
    if (tree != null) {
      JsonNode v = tree.get(key);
      return new Patch(v instanceof ObjectNode ? (ObjectNode) v : tree.putObject(key), null);
    }
    JsonNode v = get(key);
    Patch nested;
    if (v instanceof POJONode && ((POJONode) v).getPojo() instanceof Patch) {
      return (Patch) ((POJONode) v).getPojo();
    }
    nested = new Patch(null, v instanceof ObjectNode ? (ObjectNode) v : EMPTY);
    edit(key, nested);
    return nested;
  }

  @Override
  public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
    gen.writeStartObject();
    for (Map.Entry<String, JsonNode> e : base.properties()) {
      String key = e.getKey();
      int i = find(key, false);
      Object v = i < 0 ? e.getValue() : values[i];
      if (v != REMOVED) {
        gen.writeFieldName(key);
        write(v, gen, serializers);
      }
    }
    for (int i = 0; i < n; i++) {
      if (appended[i]) {
        gen.writeFieldName(keys[i]);
        write(values[i], gen, serializers);
      }
    }
    gen.writeEndObject();
  }

  private static void write(Object v, JsonGenerator gen, SerializerProvider serializers) throws IOException {
    if (v instanceof Patch) {
      ((Patch) v).serialize(gen, serializers);
    } else {
      ((BaseJsonNode) v).serialize(gen, serializers);
    }
  }

  @Override
  public void serializeWithType(JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
      throws IOException {
    serialize(gen, serializers);
  }
}
