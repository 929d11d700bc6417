package dev.toolguard.langchain4j.internal;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolguardException;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.StreamHandler;
import dev.toolguard.core.loop.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.jspecify.annotations.Nullable;

/**
 * The core {@link ChatBackend} over a LangChain4j {@link ChatModel} or {@link StreamingChatModel}: the
 * core request becomes a LangChain4j {@code ChatRequest} (messages mapped back to the original
 * objects, tools by name to their {@link ToolSpecification}s, the loop's default parameters), and the
 * {@code AiMessage} of the answer becomes the core answer. The LangChain4j {@code ChatResponse} rides
 * along in the response metadata under {@link #RESPONSE}.
 */
public final class LangChain4jBackend implements ChatBackend {

  /** Response metadata key of the LangChain4j {@code ChatResponse}. */
  public static final String RESPONSE = "langchain4j.response";

  private final @Nullable ChatModel model;
  private final @Nullable StreamingChatModel streamingModel;
  private final ChatRequestParameters parameters;
  private final Map<String, ToolSpecification> specifications;
  private final KnownMessages known;

  /**
   * A backend over {@code model} or {@code streamingModel} (exactly one non-null), mapping the core
   * messages {@code known} holds back to their sources.
   */
  public LangChain4jBackend(@Nullable ChatModel model, @Nullable StreamingChatModel streamingModel,
      ChatRequestParameters parameters, Map<String, ToolSpecification> specifications, KnownMessages known) {
    this.model = model;
    this.streamingModel = streamingModel;
    this.parameters = parameters;
    this.specifications = Map.copyOf(specifications);
    this.known = known;
  }

  @Override
  public dev.toolguard.core.loop.ChatResponse send(ChatRequest request) {
    if (model == null) {
      return stream(request, StreamHandler.ignoring());
    }
    return answer(model.chat(toLangChain4j(request)));
  }

  @Override
  public dev.toolguard.core.loop.ChatResponse stream(ChatRequest request, StreamHandler handler) {
    if (streamingModel == null) {
      return ChatBackend.super.stream(request, handler);
    }
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    streamingModel.chat(toLangChain4j(request), new StreamingChatResponseHandler() {
      @Override
      public void onPartialResponse(String partialResponse) {
        events.add(new Delta(partialResponse));
      }

      @Override
      public void onCompleteResponse(ChatResponse completeResponse) {
        events.add(completeResponse);
      }

      @Override
      public void onError(Throwable error) {
        events.add(new Failure(error));
      }
    });
    // text reaches the handler on the loop's thread, as the core contract says
    while (true) {
      Object event;
      try {
        event = events.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ToolguardException("interrupted while waiting for the streamed answer", e);
      }
      if (event instanceof Delta d) {
        handler.onText(d.text());
      } else if (event instanceof Failure f) {
        throw f.error() instanceof RuntimeException re ? re
            : new ToolguardException("the streaming model failed: " + f.error(), f.error());
      } else {
        return answer((ChatResponse) event);
      }
    }
  }

  private record Delta(String text) {}

  private record Failure(Throwable error) {}

  private dev.langchain4j.model.chat.request.ChatRequest toLangChain4j(ChatRequest request) {
    ChatRequestParameters params = parameters;
    if (!request.tools().isEmpty()) {
      List<ToolSpecification> tools = new ArrayList<>(request.tools().size());
      for (ToolSpec spec : request.tools()) {
        ToolSpecification s = specifications.get(spec.name());
        if (s == null) {
          throw new InvalidMessageException("tool '" + spec.name() + "' has no LangChain4j ToolSpecification");
        }
        tools.add(s);
      }
      params = params.overrideWith(ChatRequestParameters.builder().toolSpecifications(tools).build());
    }
    return dev.langchain4j.model.chat.request.ChatRequest.builder()
        .messages(known.toLangChain4j(request.history()))
        .parameters(params)
        .build();
  }

  private dev.toolguard.core.loop.ChatResponse answer(ChatResponse response) {
    if (response == null || response.aiMessage() == null) {
      throw new ToolguardException("the LangChain4j model answered without an AiMessage");
    }
    Message message = Messages.toCore(response.aiMessage());
    known.add(message, response.aiMessage());
    return new dev.toolguard.core.loop.ChatResponse(message, Map.of(RESPONSE, response));
  }
}
