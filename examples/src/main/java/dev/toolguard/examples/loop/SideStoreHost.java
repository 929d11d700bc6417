package dev.toolguard.examples.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.examples.internal.Http;
import dev.toolguard.json.HistoryJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The bare side of {@code hosted-approval}: an agent hosted behind {@code POST /v1/responses} the way a
 * well-known agent framework does it — an approval request goes out as an {@code mcp_approval_request}
 * item with a random id, and the call it stands for is saved in a side store of the instance (a JSON
 * file, id → call and history); an {@code mcp_approval_response} is mapped back through that file. On
 * the instance that asked, with its file intact, the approved call runs and the model answers; on
 * another instance, or after the file was lost, the id is unknown and the answer fails. Loopback only,
 * one request at a time.
 */
final class SideStoreHost implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor;
  private final Path sideStore;
  private final ChatBackend model;
  private final ToolSpec tool;
  private final Function<String, String> run;

  /**
   * A host on a free loopback port whose model is {@code model}, whose one tool {@code tool} needs
   * approval and runs as {@code run} (arguments → output), with its side store in {@code sideStore}.
   */
  SideStoreHost(ChatBackend model, ToolSpec tool, Function<String, String> run, Path sideStore) throws IOException {
    this.model = model;
    this.tool = tool;
    this.run = run;
    this.sideStore = sideStore;
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "side-store-host");
      t.setDaemon(true);
      return t;
    });
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.createContext("/v1/responses", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** {@code http://127.0.0.1:PORT/v1}. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex; InputStream in = ex.getRequestBody()) {
      JsonNode body = Http.JSON.readTree(in.readNBytes(1 << 20));
      JsonNode input = body.path("input");
      if (input.isTextual()) {
        ask(ex, input.asText());
        return;
      }
      JsonNode answer = input.path(0);
      if (!"mcp_approval_response".equals(answer.path("type").asText())) {
        send(ex, 400, error("this host takes a string input or one mcp_approval_response item"));
        return;
      }
      answer(ex, answer.path("approval_request_id").asText(), answer.path("approve").asBoolean());
    } catch (RuntimeException e) {
      send(ex, 500, error("the host failed: " + e));
    }
  }

  /** A new conversation: when the model calls the tool, the call is saved in the side store. */
  private void ask(HttpExchange ex, String text) throws IOException {
    List<Message> history = new ArrayList<>(List.of(Message.user(text)));
    ChatResponse first = model.send(new ChatRequest(history, List.of(tool), Map.of()));
    history.add(first.message());
    ObjectNode response = Http.JSON.createObjectNode().put("object", "response");
    ArrayNode output = response.putArray("output");
    if (!first.message().hasToolCalls()) {
      output.addObject().put("type", "message").putArray("content").addObject().put("type", "output_text")
          .put("text", first.message().text());
      send(ex, 200, response);
      return;
    }
    ToolCall call = first.message().toolCalls().get(0);
    String id = "mcpr_" + UUID.randomUUID().toString().replace("-", "");
    ObjectNode store = load();
    store.putObject(id).put("history", HistoryJson.write(history)).put("call_id", call.callId());
    Files.writeString(sideStore, store.toString(), StandardCharsets.UTF_8);
    output.addObject().put("type", "mcp_approval_request").put("id", id).put("name", call.name())
        .put("arguments", call.argumentsJson()).put("server_label", "side-store");
    send(ex, 200, response);
  }

  /** An answer: mapped back through the side store, or refused when the id is not in it. */
  private void answer(HttpExchange ex, String id, boolean approve) throws IOException {
    ObjectNode store = load();
    JsonNode saved = store.get(id);
    if (saved == null) {
      send(ex, 400, error(id + " is not in this instance's side store (" + sideStore.getFileName() + ")"));
      return;
    }
    store.remove(id);
    Files.writeString(sideStore, store.toString(), StandardCharsets.UTF_8);
    List<Message> history = new ArrayList<>(HistoryJson.read(saved.path("history").asText()));
    ToolCall call = history.get(history.size() - 1).toolCalls().get(0);
    String output = approve ? run.apply(call.argumentsJson()) : "The user rejected this call.";
    history.add(Message.tool(ToolResult.of(call.callId(), call.name(), output)));
    ChatResponse done = model.send(new ChatRequest(history, List.of(tool), Map.of()));
    ObjectNode response = Http.JSON.createObjectNode().put("object", "response");
    response.putArray("output").addObject().put("type", "message").putArray("content").addObject()
        .put("type", "output_text").put("text", done.message().text());
    send(ex, 200, response);
  }

  private ObjectNode load() throws IOException {
    if (!Files.exists(sideStore) || Files.size(sideStore) == 0) {
      return Http.JSON.createObjectNode();
    }
    return (ObjectNode) Http.JSON.readTree(Files.readString(sideStore, StandardCharsets.UTF_8));
  }

  private static ObjectNode error(String message) {
    ObjectNode body = Http.JSON.createObjectNode();
    body.putObject("error").put("message", message).put("type", "invalid_request_error");
    return body;
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
