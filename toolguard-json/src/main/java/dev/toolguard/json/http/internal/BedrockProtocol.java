package dev.toolguard.json.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.StreamHandler;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.internal.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * AWS Bedrock Converse: {@code POST {base}/model/{modelId}/converse}, the model id in the path; SYSTEM
 * messages go into {@code system} text blocks, the function tools into {@code toolConfig.tools} as
 * {@code toolSpec}s. The answer is {@code output.message}, read by the codec.
 *
 * <p>Requests are not signed: an API key is sent as a bearer token (Bedrock API keys); for SigV4, put a
 * signing proxy in front or set the signed headers through the configuration. {@code converse-stream}
 * (AWS event-stream framing) is not read: a streamed request goes to {@code converse} and the whole
 * answer's text reaches the handler at once.
 */
final class BedrockProtocol extends Protocol {

  static final BedrockProtocol INSTANCE = new BedrockProtocol();

  private BedrockProtocol() {
    super(Dialect.BEDROCK_CONVERSE, "/model/{modelId}/converse",
        URI.create("https://bedrock-runtime.us-east-1.amazonaws.com"));
  }

  @Override
  public URI endpoint(URI base, String model, boolean stream) {
    return URI.create(base + "/model/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20")
        + "/converse");
  }

  @Override
  public Framing framing() {
    return Framing.WHOLE;
  }

  @Override
  boolean modelInBody() {
    return false;
  }

  @Override
  boolean systemOnTop() {
    return true;
  }

  @Override
  void putSystem(ObjectNode body, String text) {
    JsonNode configured = body.get("system");
    ArrayNode system = configured != null && configured.isArray() ? (ArrayNode) configured : body.putArray("system");
    system.addObject().put("text", text);
  }

  @Override
  void putStream(ObjectNode body, boolean stream) {
    // the path says it; streams are read whole (see the class comment)
  }

  @Override
  void putTools(ObjectNode body, ArrayNode tools) {
    JsonNode configured = body.get("toolConfig");
    ObjectNode config = configured != null && configured.isObject() ? (ObjectNode) configured
        : body.putObject("toolConfig");
    if (config.path("tools").isArray()) {
      ((ArrayNode) config.get("tools")).addAll(tools);
    } else {
      config.set("tools", tools);
    }
  }

  @Override
  ObjectNode tool(ToolSpec spec, ObjectNode schema) {
    ObjectNode t = Json.object();
    ObjectNode s = t.putObject("toolSpec");
    s.put("name", spec.name());
    if (!spec.description().isEmpty()) {
      s.put("description", spec.description());
    }
    s.putObject("inputSchema").set("json", schema);
    return t;
  }

  @Override
  public ChatResponse answer(JsonNode body, @Nullable String requestId) {
    JsonNode message = body.path("output").get("message");
    if (message == null || !message.isObject()) {
      throw malformed("it has no output.message", requestId, null);
    }
    ObjectNode wrapped = Json.object();
    wrapped.putArray("messages").add(message.deepCopy());
    return new ChatResponse(assistant(wrapped, requestId),
        metadata(null, null, text(body, "stopReason"), body.get("usage"), requestId));
  }

  @Override
  public StreamState stream(StreamHandler handler, @Nullable String requestId) {
    throw new UnsupportedOperationException("Bedrock streams are read whole (Framing.WHOLE)");
  }
}
