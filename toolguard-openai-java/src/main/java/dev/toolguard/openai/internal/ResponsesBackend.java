package dev.toolguard.openai.internal;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.Tool;
import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.StreamHandler;
import dev.toolguard.core.loop.ToolSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop's backend over Responses: each request carries the whole history as input items
 * (stateless; reasoning items go back as they came), and the output items become one assistant
 * message.
 */
public final class ResponsesBackend implements ChatBackend {

  private static final Logger LOG = LoggerFactory.getLogger("dev.toolguard.openai");

  private final OpenAIClient client;
  private final Consumer<ResponseCreateParams.Builder> params;

  /** A backend that sends through {@code client}, with {@code params} setting the model and the rest. */
  public ResponsesBackend(OpenAIClient client, Consumer<ResponseCreateParams.Builder> params) {
    this.client = client;
    this.params = params;
  }

  @Override
  public ChatResponse send(ChatRequest request) {
    return response(client.responses().create(params(request)));
  }

  @Override
  public ChatResponse stream(ChatRequest request, StreamHandler handler) {
    ResponseAccumulator accumulator = ResponseAccumulator.create();
    try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params(request))) {
      stream.stream().forEach(event -> {
        accumulator.accumulate(event);
        if (event.isOutputTextDelta()) {
          String delta = event.asOutputTextDelta().delta();
          if (!delta.isEmpty()) {
            handler.onText(delta);
          }
        }
      });
    }
    return response(accumulator.response());
  }

  /** The params of {@code request}: its history and tools, then what the application sets. */
  ResponseCreateParams params(ChatRequest request) {
    ResponseCreateParams.Builder b = ResponseCreateParams.builder()
        .inputOfResponse(ResponsesMapper.toWire(request.history()));
    if (!request.tools().isEmpty()) {
      b.tools(Params.tools(request, ResponsesBackend::tool));
    }
    return Params.build(b, params, ResponseCreateParams.Builder::build, "Responses");
  }

  private static Tool tool(ToolSpec spec) {
    return Tool.ofFunction(FunctionTool.builder()
        .name(spec.name())
        .description(spec.description())
        .parameters(FunctionTool.Parameters.builder().additionalProperties(Schemas.parameters(spec)).build())
        .strict(false)
        .build());
  }

  static ChatResponse response(Response response) {
    List<Content> contents = new ArrayList<>();
    for (Message m : ResponsesMapper.toCore(ResponsesMapper.inputItems(response.output()))) {
      if (m.role() == Role.TOOL) {
        for (Content c : m.contents()) {
          // a stored server-side output replayed without its call (an mcp_… call id): nothing can answer it
          LOG.warn("response {} carried an output for call {} among its output items, which no call of the"
              + " conversation asked for; it is left out of the history", response.id(), ((ToolResult) c).callId());
        }
        continue;
      }
      contents.addAll(m.contents());
    }
    if (contents.isEmpty()) {
      contents.add(Text.of(""));
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("id", response.id());
    response._status().asKnown().ifPresent(s -> meta.put("status", s.asString()));
    return new ChatResponse(new Message(Role.ASSISTANT, contents, Map.of()), meta);
  }
}
