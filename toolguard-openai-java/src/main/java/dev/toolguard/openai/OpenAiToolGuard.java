package dev.toolguard.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.openai.internal.ChatCompletionsBackend;
import dev.toolguard.openai.internal.GuardedProxy;
import dev.toolguard.openai.internal.RequestGuard;
import dev.toolguard.openai.internal.ResponsesBackend;
import java.util.function.Consumer;

/**
 * The entry point of toolguard for openai-java.
 *
 * <p>{@link #wrap(OpenAIClient)} decorates a client: its {@code chat().completions().create} and
 * {@code createStreaming}, and {@code responses().create} and {@code createStreaming} (also through
 * {@code withRawResponse()}, {@code withOptions(…)}, {@code async()} and structured params) repair
 * the request's history by the tool call invariant before it is sent; every other call passes
 * through untouched. A valid request is sent as the very same params object.
 *
 * <p>{@link #chatCompletions} and {@link #responses} make a {@link ChatBackend} for toolguard's
 * {@link dev.toolguard.core.loop.FunctionInvokingLoop}, which runs the tools, keeps every turn
 * whole, and suspends for approvals and client-side tools; {@link OpenAiHistory} turns openai-java
 * messages and items into the core history and back, and stores it as JSON.
 */
public final class OpenAiToolGuard {

  private OpenAiToolGuard() {}

  /** {@code client}, guarded with {@link ToolGuardOptions#ofDefaults()}. */
  public static OpenAIClient wrap(OpenAIClient client) {
    return wrap(client, ToolGuardOptions.ofDefaults());
  }

  /**
   * {@code client}, guarded with {@code options}. The clients it leads to ({@code async()}, {@code
   * withOptions(…)}) share its memory of the Responses it saw.
   *
   * @throws IllegalArgumentException if an argument is null
   */
  public static OpenAIClient wrap(OpenAIClient client, ToolGuardOptions options) {
    return GuardedProxy.wrap(OpenAIClient.class, require(client, "client"),
        new RequestGuard(require(options, "options")));
  }

  /** {@code client}, guarded with {@link ToolGuardOptions#ofDefaults()}. */
  public static OpenAIClientAsync wrap(OpenAIClientAsync client) {
    return wrap(client, ToolGuardOptions.ofDefaults());
  }

  /**
   * {@code client}, guarded with {@code options}. Repair runs on the calling thread, before the
   * request is handed to the client; a rejected history throws there.
   *
   * @throws IllegalArgumentException if an argument is null
   */
  public static OpenAIClientAsync wrap(OpenAIClientAsync client, ToolGuardOptions options) {
    return GuardedProxy.wrap(OpenAIClientAsync.class, require(client, "client"),
        new RequestGuard(require(options, "options")));
  }

  /**
   * A backend for the function-invoking loop over Chat Completions. Each request is built from the
   * history and the loop's tools, then handed to {@code params}, which sets the model and anything
   * else ({@code b -> b.model(ChatModel.GPT_4O_MINI).temperature(0.0)}).
   *
   * @throws IllegalArgumentException if an argument is null
   */
  public static ChatBackend chatCompletions(OpenAIClient client, Consumer<ChatCompletionCreateParams.Builder> params) {
    return new ChatCompletionsBackend(require(client, "client"), require(params, "params"));
  }

  /**
   * A backend for the function-invoking loop over Responses. Each request carries the whole history
   * as input items (reasoning items included), the loop's tools as function tools, then is handed
   * to {@code params}, which sets the model and anything else.
   *
   * @throws IllegalArgumentException if an argument is null
   */
  public static ChatBackend responses(OpenAIClient client, Consumer<ResponseCreateParams.Builder> params) {
    return new ResponsesBackend(require(client, "client"), require(params, "params"));
  }

  private static <T> T require(T value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    return value;
  }
}
