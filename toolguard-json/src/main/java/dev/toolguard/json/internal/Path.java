package dev.toolguard.json.internal;

/**
 * A JSON path such as {@code messages[3].content[1]}, built as text only when an error names it:
 * the readers make one per message and part, and most are never printed.
 */
final class Path {

  private final Object parent;
  private final String field;
  private final int index;

  private Path(Object parent, String field, int index) {
    this.parent = parent;
    this.field = field;
    this.index = index;
  }

  /** {@code parent} (a path or text), then {@code field[index]}. */
  static Path of(Object parent, String field, int index) {
    return new Path(parent, field, index);
  }

  /** The element {@code index} of the top-level array {@code field}. */
  static Path of(String field, int index) {
    return new Path("", field, index);
  }

  @Override
  public String toString() {
    return parent + field + "[" + index + "]";
  }
}
