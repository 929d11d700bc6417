package dev.toolguard.core.loop;

import dev.toolguard.core.InvalidMessageException;

/**
 * What a model is told about a tool: its name, what it does, and the JSON schema of its arguments.
 *
 * @param name the name the model calls it by
 * @param description what it does, for the model
 * @param parametersSchema the JSON schema of the arguments object
 */
public record ToolSpec(String name, String description, String parametersSchema) {

  /** Validates the components. */
  public ToolSpec {
    if (name == null || name.isBlank()) {
      throw new InvalidMessageException("ToolSpec.name is " + (name == null ? "null" : "blank")
          + "; give the name the model calls the tool by");
    }
    if (description == null) {
      throw new InvalidMessageException("ToolSpec " + name + ": description is null; give one (it may be empty)");
    }
    if (parametersSchema == null || parametersSchema.isBlank()) {
      throw new InvalidMessageException("ToolSpec " + name
          + ": parametersSchema is missing; give the JSON schema of the arguments, e.g. {\"type\":\"object\"}");
    }
  }

  /** A spec whose arguments are an object with no declared properties. */
  public static ToolSpec of(String name, String description) {
    return new ToolSpec(name, description, "{\"type\":\"object\",\"properties\":{}}");
  }
}
