package dev.toolguard.core.internal;

import org.jspecify.annotations.Nullable;

/**
 * A hash map from call ids to values for one pass over a history: open addressing in two arrays,
 * so that indexing every call id of a history allocates the arrays and nothing per id (no entry
 * nodes, no boxed values). Not thread-safe; no removal.
 *
 * @param <V> the value type
 */
final class IdMap<V> {

  private String[] keys;
  /** Null for a set. */
  private Object @Nullable [] values;
  private int size;
  /** 32 minus the number of index bits: the slot of a hash is its top bits after a multiply. */
  private int shift;

  /** A map sized for about {@code expected} ids (it grows past that). */
  IdMap(int expected) {
    this(expected, true);
  }

  /** A set of ids (a map without values: {@link #add}, {@link #contains}), sized for about {@code expected}. */
  static IdMap<Boolean> set(int expected) {
    return new IdMap<>(expected, false);
  }

  private IdMap(int expected, boolean withValues) {
    int capacity = 16;
    while (capacity < expected * 2) {
      capacity <<= 1;
    }
    keys = new String[capacity];
    values = withValues ? new Object[capacity] : null;
    shift = Integer.numberOfLeadingZeros(capacity) + 1;
  }

  /** The number of ids. */
  int size() {
    return size;
  }

  /** The value of {@code id}, or null. */
  @SuppressWarnings("unchecked")
  @Nullable V get(String id) {
    String[] k = keys;
    int mask = k.length - 1;
    for (int i = slot(id.hashCode()); ; i = (i + 1) & mask) {
      String key = k[i];
      if (key == null) {
        return null;
      }
      if (key.equals(id)) {
        return values == null ? (V) Boolean.TRUE : (V) values[i];
      }
    }
  }

  /** True when {@code id} has a value. */
  boolean containsKey(String id) {
    return get(id) != null;
  }

  /** True when the set (or map) holds {@code id}. */
  boolean contains(String id) {
    return get(id) != null;
  }

  /** Adds {@code id}; true when it was not there yet. */
  @SuppressWarnings("unchecked")
  boolean add(String id) {
    return putIfAbsent(id, (V) Boolean.TRUE) == null;
  }

  /** Sets {@code id} to {@code value} unless it has a value; returns the value it had, or null. */
  @SuppressWarnings("unchecked")
  @Nullable V putIfAbsent(String id, V value) {
    String[] k = keys;
    int mask = k.length - 1;
    int i = slot(id.hashCode());
    for (; ; i = (i + 1) & mask) {
      String key = k[i];
      if (key == null) {
        break;
      }
      if (key.equals(id)) {
        return values == null ? (V) Boolean.TRUE : (V) values[i];
      }
    }
    k[i] = id;
    if (values != null) {
      values[i] = value;
    }
    if (++size * 2 > k.length) {
      grow();
    }
    return null;
  }

  /** Sets {@code id} to {@code value}; returns the value it had, or null. */
  @SuppressWarnings("unchecked")
  @Nullable V put(String id, V value) {
    String[] k = keys;
    int mask = k.length - 1;
    for (int i = slot(id.hashCode()); ; i = (i + 1) & mask) {
      String key = k[i];
      if (key == null) {
        break;
      }
      if (key.equals(id)) {
        if (values == null) {
          return (V) Boolean.TRUE;
        }
        Object old = values[i];
        values[i] = value;
        return (V) old;
      }
    }
    putIfAbsent(id, value);
    return null;
  }

  private void grow() {
    String[] oldKeys = keys;
    Object @Nullable [] oldValues = values;
    keys = new String[oldKeys.length * 2];
    values = oldValues == null ? null : new Object[oldKeys.length * 2];
    shift--;
    int mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      String key = oldKeys[j];
      if (key != null) {
        int i = slot(key.hashCode());
        while (keys[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = key;
        if (oldValues != null) {
          values[i] = oldValues[j];
        }
      }
    }
  }

  private int slot(int hash) {
    return (hash * 0x9E3779B9) >>> shift;
  }
}
