package dev.toolguard.openai.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.loop.ToolSpec;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** A tool's JSON schema as the map of JSON values openai-java's parameter types take. */
final class Schemas {

  private Schemas() {}

  static Map<String, JsonValue> parameters(ToolSpec spec) {
    JsonNode node;
    try {
      node = ObjectMappers.jsonMapper().readTree(spec.parametersSchema());
    } catch (JsonProcessingException e) {
      throw new InvalidMessageException("ToolSpec " + spec.name() + ": parametersSchema is not JSON ("
          + e.getOriginalMessage() + "); give the JSON schema of the arguments object");
    }
    if (node == null || !node.isObject()) {
      throw new InvalidMessageException("ToolSpec " + spec.name()
          + ": parametersSchema is not a JSON object; give the JSON schema of the arguments object");
    }
    Map<String, JsonValue> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = Fields.entries(node); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), JsonValue.fromJsonNode(e.getValue()));
    }
    return out;
  }
}
