package dev.toolguard.json.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BaseJsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A JSON object being written from a template: fields set, replaced or removed as on a copy of the
 * template, with the order a {@code LinkedHashMap} gives (a replaced field keeps its place, a new
 * or re-added one goes last).
 *
 * <p>For a tree that is handed out it is exactly that: a deep copy of the template (or a new
 * object), edited in place. For a body that is only serialized ({@code share}), the template is not
 * copied: the edits are kept beside it, and {@link #node()} is a node that writes the template with
 * the edits applied, so writing a body costs little more than serializing it. Setting a field of
 * the template to the value it already has (an equal string, boolean or null, the same node, or an
 * array of the same nodes in the same order) is no edit, and a template without edits is written
 * as the template itself.
 */
final class Patch implements JsonSerializable {

  private static final Object REMOVED = new Object();

  /** The copy edited in place, when the result is a tree; null for an overlay. */
  private final @Nullable ObjectNode tree;
  /**
   * A field of {@link #tree} that still holds the template's value, not a copy, as it is likely to
   * be replaced: it is copied when it is edited in place or the tree is handed out unreplaced.
   */
  private @Nullable String uncopied;
  /** The template under the edits, for an overlay. */
  private final @Nullable ObjectNode base;
  /** The edits in the order made; the appended ones are written after the template's fields. */
  private @Nullable Edit head;
  private @Nullable Edit tail;

  /** One edit: a JsonNode, a String, a nested Patch, or REMOVED. */
  private static final class Edit {
    final String key;
    Object value;
    /** True for an edit that adds its key at the end (not in the template, or removed and added again). */
    final boolean appended;
    @Nullable Edit next;

    Edit(String key, Object value, boolean appended) {
      this.key = key;
      this.value = value;
      this.appended = appended;
    }
  }

  private Patch(@Nullable ObjectNode tree, @Nullable ObjectNode base) {
    this.tree = tree;
    this.base = base;
  }

  /** An object to write from {@code template} (an empty object when null). */
  static Patch of(@Nullable ObjectNode template, boolean share) {
    if (template == null) {
      return new Patch(Json.object(), null); // a new object: nothing to share
    }
    return share ? new Patch(null, template) : new Patch(template.deepCopy(), null);
  }

  /**
   * An object to write from {@code template}, whose field {@code likelyReplaced} (a message's
   * content, say) the writer is likely to set: a tree copies it only if it is not.
   */
  static Patch of(@Nullable ObjectNode template, boolean share, String likelyReplaced) {
    if (template == null || share || !template.has(likelyReplaced)) {
      return of(template, share);
    }
    ObjectNode copy = Json.object();
    for (Map.Entry<String, JsonNode> f : template.properties()) {
      copy.set(f.getKey(), f.getKey().equals(likelyReplaced) ? f.getValue() : f.getValue().deepCopy());
    }
    Patch p = new Patch(copy, null);
    p.uncopied = likelyReplaced;
    return p;
  }

  /** {@code key} was replaced or removed: the tree no longer holds a value of the template there. */
  private void replaced(String key) {
    if (key.equals(uncopied)) {
      uncopied = null;
    }
  }

  private static final ObjectNode EMPTY = Json.object();

  /** The object to put into the written body: the template itself when an overlay has no edits. */
  JsonNode node() {
    if (tree != null) {
      if (uncopied != null) {
        tree.set(uncopied, tree.get(uncopied).deepCopy());
        uncopied = null;
      }
      return tree;
    }
    return head == null ? base : new POJONode(this);
  }

  private @Nullable Edit find(String key, boolean added) {
    for (Edit e = head; e != null; e = e.next) {
      if (e.appended == added && e.key.equals(key)) {
        return e;
      }
    }
    return null;
  }

  /** Sets {@code key} to {@code value} (a string, or JSON null when null). */
  Patch put(String key, @Nullable String value) {
    if (tree != null) {
      replaced(key);
      if (value == null) {
        tree.putNull(key);
      } else {
        tree.put(key, value);
      }
      return this;
    }
    edit(key, value == null ? NullNode.getInstance() : value);
    return this;
  }

  /** Sets {@code key} to {@code value}. */
  Patch put(String key, boolean value) {
    return set(key, BooleanNode.valueOf(value));
  }

  /** Sets {@code key} to JSON null. */
  Patch putNull(String key) {
    return set(key, NullNode.getInstance());
  }

  /** Sets {@code key} to {@code value}. */
  Patch set(String key, JsonNode value) {
    if (tree != null) {
      replaced(key);
      tree.set(key, value);
      return this;
    }
    edit(key, value);
    return this;
  }

  private void edit(String key, Object value) {
    Edit added = find(key, true);
    if (added != null) {
      added.value = value;
      return;
    }
    Edit own = find(key, false);
    if (own != null && own.value != REMOVED) {
      own.value = value;
      return;
    }
    JsonNode old = own == null ? base.get(key) : null;
    if (old == null) {
      append(key, value, true); // a new key, or one removed before: it goes last
    } else if (!same(old, value)) {
      append(key, value, false);
    }
  }

  /** True when writing {@code value} in place of {@code old} writes the same text. */
  static boolean same(@Nullable JsonNode old, Object value) {
    if (old == value) {
      return true;
    }
    if (old == null) {
      return false;
    }
    if (value instanceof String) {
      return old.isTextual() && old.textValue().equals(value);
    }
    if (value instanceof TextNode || value instanceof BooleanNode || value instanceof NullNode) {
      return old.equals(value);
    }
    if (value instanceof ArrayNode && old instanceof ArrayNode && old.size() == ((ArrayNode) value).size()) {
      ArrayNode a = (ArrayNode) value;
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i) != old.get(i)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private void append(String key, Object value, boolean add) {
    Edit e = new Edit(key, value, add);
    if (tail == null) {
      head = e;
    } else {
      tail.next = e;
    }
    tail = e;
  }

  /** Removes {@code key}. */
  void remove(String key) {
    if (tree != null) {
      replaced(key);
      tree.remove(key);
      return;
    }
    Edit added = find(key, true);
    if (added != null) {
      unlink(added);
      return;
    }
    Edit own = find(key, false);
    if (own != null) {
      own.value = REMOVED;
    } else if (base.has(key)) {
      append(key, REMOVED, false);
    }
  }

  private void unlink(Edit target) {
    Edit previous = null;
    for (Edit e = head; e != null; previous = e, e = e.next) {
      if (e == target) {
        if (previous == null) {
          head = e.next;
        } else {
          previous.next = e.next;
        }
        if (tail == e) {
          tail = previous;
        }
        return;
      }
    }
  }

  /** The value of {@code key}, or null; a nested object being edited is given as written so far. */
  @Nullable JsonNode get(String key) {
    if (tree != null) {
      return tree.get(key);
    }
    Edit e = find(key, true);
    if (e == null) {
      e = find(key, false);
    }
    if (e == null) {
      return base.get(key);
    }
    Object v = e.value;
    if (v == REMOVED) {
      return null;
    }
    if (v instanceof String) {
      return Json.NODES.textNode((String) v);
    }
    return v instanceof Patch ? ((Patch) v).node() : (JsonNode) v;
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
      if (key.equals(uncopied)) {
        tree.set(key, tree.get(key).deepCopy()); // edited in place: the tree's own copy
        uncopied = null;
      }
      JsonNode v = tree.get(key);
      return new Patch(v instanceof ObjectNode ? (ObjectNode) v : tree.putObject(key), null);
    }
    Edit e = find(key, true);
    if (e == null) {
      e = find(key, false);
    }
    if (e != null && e.value instanceof Patch) {
      return (Patch) e.value;
    }
    JsonNode v = get(key);
    Patch nested = new Patch(null, v instanceof ObjectNode ? (ObjectNode) v : EMPTY);
    edit(key, nested);
    return nested;
  }

  @Override
  public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
    gen.writeStartObject();
    for (Map.Entry<String, JsonNode> f : base.properties()) {
      String key = f.getKey();
      Edit e = head == null ? null : find(key, false);
      if (e == null) {
        gen.writeFieldName(key);
        ((BaseJsonNode) f.getValue()).serialize(gen, serializers);
      } else if (e.value != REMOVED) {
        gen.writeFieldName(key);
        write(e.value, gen, serializers);
      }
    }
    for (Edit e = head; e != null; e = e.next) {
      if (e.appended) {
        gen.writeFieldName(e.key);
        write(e.value, gen, serializers);
      }
    }
    gen.writeEndObject();
  }

  private static void write(Object v, JsonGenerator gen, SerializerProvider serializers) throws IOException {
    if (v instanceof String) {
      gen.writeString((String) v);
    } else if (v instanceof Patch) {
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
