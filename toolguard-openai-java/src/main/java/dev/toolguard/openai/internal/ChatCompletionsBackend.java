package dev.toolguard.openai.internal;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionTool;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolguardException;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ChatResponse;
import dev.toolguard.core.loop.StreamHandler;
import dev.toolguard.core.loop.ToolSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** The loop's backend over Chat Completions: one request, one {@code ChatCompletion}. */
public final class ChatCompletionsBackend implements ChatBackend {

  private final OpenAIClient client;
  private final Consumer<ChatCompletionCreateParams.Builder> params;

  /** A backend that sends through {@code client}, with {@code params} setting the model and the rest. */
  public ChatCompletionsBackend(OpenAIClient client, Consumer<ChatCompletionCreateParams.Builder> params) {
    this.client = client;
    this.params = params;
  }

  @Override
  public ChatResponse send(ChatRequest request) {
    return response(client.chat().completions().create(params(request)));
  }

  @Override
  public ChatResponse stream(ChatRequest request, StreamHandler handler) {
    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params(request))) {
      stream.stream().forEach(chunk -> {
        accumulator.accumulate(chunk);
        for (ChatCompletionChunk.Choice choice : chunk.choices()) {
          if (choice.index() == 0) {
            choice.delta().content().filter(s -> !s.isEmpty()).ifPresent(handler::onText);
          }
        }
      });
    }
    return response(accumulator.chatCompletion());
  }

  /** The params of {@code request}: its history and tools, then what the application sets. */
  ChatCompletionCreateParams params(ChatRequest request) {
    ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder()
        .messages(ChatMapper.toWire(request.history()));
    if (!request.tools().isEmpty()) {
      b.tools(Params.tools(request, ChatCompletionsBackend::tool));
    }
    return Params.build(b, params, ChatCompletionCreateParams.Builder::build, "Chat Completions");
  }

  private static ChatCompletionTool tool(ToolSpec spec) {
    return ChatCompletionTool.ofFunction(ChatCompletionFunctionTool.builder()
        .function(FunctionDefinition.builder()
            .name(spec.name())
            .description(spec.description())
            .parameters(FunctionParameters.builder().additionalProperties(Schemas.parameters(spec)).build())
            .build())
        .build());
  }

  static ChatResponse response(ChatCompletion completion) {
    if (completion.choices().isEmpty()) {
      throw new ToolguardException("chat completion " + completion.id() + " has no choices; the model gave no answer"
          + " to continue the loop with");
    }
    ChatCompletion.Choice choice = completion.choices().get(0);
    Message message = ChatMapper.toCore(ChatCompletionMessageParam.ofAssistant(choice.message().toParam()));
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("id", completion.id());
    meta.put("model", completion.model());
    choice._finishReason().asKnown().ifPresent(r -> meta.put("finishReason", r.asString()));
    return new ChatResponse(message, meta);
  }
}
