package dev.toolguard.examples.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.WireCodec;
import dev.toolguard.json.WireRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A small framework-free {@link ChatBackend} over the JDK's HTTP client and toolguard-json's {@link
 * WireCodec}: OpenAI Chat Completions or Responses. It sends what it is given — called directly it is
 * the bare client, under {@code FunctionInvokingLoop} the guarded one.
 *
 * <p>It stands in for toolguard-json's HTTP backends until they are on main.
 */
public final class MiniHttpBackend implements ChatBackend {

  private final Dialect dialect;
  private final String baseUrl;
  private final @Nullable String apiKey;
  private final String model;

  private MiniHttpBackend(Dialect dialect, String baseUrl, @Nullable String apiKey, String model) {
    this.dialect = dialect;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.apiKey = apiKey;
    this.model = model;
  }

  /** A backend on {@code baseUrl/chat/completions} ({@code baseUrl} ends with {@code /v1}). */
  public static MiniHttpBackend chatCompletions(String baseUrl, @Nullable String apiKey, String model) {
    return new MiniHttpBackend(Dialect.OPENAI_CHAT, baseUrl, apiKey, model);
  }

  /** A backend on {@code baseUrl/responses}, with {@code store: false}. */
  public static MiniHttpBackend responses(String baseUrl, @Nullable String apiKey, String model) {
    return new MiniHttpBackend(Dialect.OPENAI_RESPONSES, baseUrl, apiKey, model);
  }

  /** The provider's answer was not a 2xx: {@link #getMessage()} is its error text as the client reports it. */
  public static final class ProviderCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    ProviderCallException(int status, String message) {
      super("HTTP " + status + ": " + message);
      this.status = status;
    }

    /** The HTTP status. */
    public int status() {
      return status;
    }
  }

  @Override
  public ChatResponse send(ChatRequest request) {
    boolean chat = dialect == Dialect.OPENAI_CHAT;
    ObjectNode envelope = Http.JSON.createObjectNode();
    envelope.put("model", model);
    envelope.putArray(chat ? "messages" : "input");
    if (!request.tools().isEmpty()) {
      ArrayNode tools = envelope.putArray("tools");
      for (ToolSpec spec : request.tools()) {
        ObjectNode fn = Http.JSON.createObjectNode();
        fn.put("name", spec.name());
        fn.put("description", spec.description());
        fn.set("parameters", parse(spec.parametersSchema()));
        if (chat) {
          tools.addObject().put("type", "function").set("function", fn);
        } else {
          ObjectNode tool = tools.addObject().put("type", "function");
          tool.setAll(fn);
        }
      }
    }
    if (!chat) {
      envelope.put("store", false);
    }
    for (Map.Entry<String, Object> option : request.options().entrySet()) {
      envelope.set(option.getKey(), Http.JSON.valueToTree(option.getValue()));
    }
    WireCodec codec = WireCodec.of(dialect);
    String body = codec.write(new WireRequest(dialect, request.history(), envelope));
    Http.Answer answer = Http.post(baseUrl + (chat ? "/chat/completions" : "/responses"), body, apiKey,
        Duration.ofSeconds(60));
    if (!answer.ok()) {
      throw new ProviderCallException(answer.status(), answer.errorMessage());
    }
    JsonNode json = answer.json();
    if (json == null) {
      throw new IllegalStateException("the answer is not JSON: " + cut(answer.body()));
    }
    ObjectNode asRequest = Http.JSON.createObjectNode().put("model", model);
    if (chat) {
      JsonNode message = json.path("choices").path(0).path("message");
      ObjectNode clean = Http.JSON.createObjectNode().put("role", "assistant");
      if (message.hasNonNull("content")) {
        clean.set("content", message.get("content"));
      }
      if (message.hasNonNull("tool_calls")) {
        clean.set("tool_calls", message.get("tool_calls"));
      }
      if (!clean.has("content") && !clean.has("tool_calls")) {
        clean.put("content", "");
      }
      asRequest.putArray("messages").add(clean);
    } else {
      asRequest.set("input", json.path("output"));
    }
    List<Message> turn = codec.read(asRequest).history();
    if (turn.size() != 1 || turn.get(0).role() != Role.ASSISTANT) {
      throw new IllegalStateException("the answer is not one assistant turn: " + cut(json.toString()));
    }
    return ChatResponse.of(turn.get(0));
  }

  private static String cut(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }

  private static JsonNode parse(String json) {
    try {
      return Http.JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("a tool's parameters schema is not JSON: " + e.getMessage(), e);
    }
  }
}
