package dev.toolguard.examples.openai;

import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;
import java.util.List;
import java.util.Map;

/** Chat Completions messages built with openai-java's own builders, as an application stores them. */
final class Chat {

  private Chat() {}

  static ChatCompletionMessageParam user(String text) {
    return ChatCompletionMessageParam.ofUser(ChatCompletionUserMessageParam.builder().content(text).build());
  }

  static ChatCompletionMessageParam assistant(String text) {
    return ChatCompletionMessageParam.ofAssistant(ChatCompletionAssistantMessageParam.builder().content(text).build());
  }

  /** An assistant message asking for {@code calls}. */
  static ChatCompletionMessageParam calls(ChatCompletionMessageFunctionToolCall... calls) {
    ChatCompletionAssistantMessageParam.Builder b = ChatCompletionAssistantMessageParam.builder();
    for (ChatCompletionMessageFunctionToolCall call : calls) {
      b.addToolCall(call);
    }
    return ChatCompletionMessageParam.ofAssistant(b.build());
  }

  static ChatCompletionMessageFunctionToolCall call(String id, String name, String argumentsJson) {
    return ChatCompletionMessageFunctionToolCall.builder()
        .id(id)
        .function(ChatCompletionMessageFunctionToolCall.Function.builder().name(name).arguments(argumentsJson).build())
        .build();
  }

  /** A tool message answering {@code callId}. */
  static ChatCompletionMessageParam tool(String callId, String output) {
    return ChatCompletionMessageParam.ofTool(ChatCompletionToolMessageParam.builder()
        .toolCallId(callId).content(output).build());
  }

  /** A request with the tour's tools ({@code weather}, {@code time}) and {@code messages}. */
  static ChatCompletionCreateParams params(String model, List<ChatCompletionMessageParam> messages) {
    return ChatCompletionCreateParams.builder()
        .model(model)
        .messages(messages)
        .addFunctionTool(function("weather", "The weather in a city",
            Map.of("city", Map.of("type", "string"))))
        .addFunctionTool(function("time", "The current time", Map.of()))
        .build();
  }

  /** The text the model answered. */
  static String text(ChatCompletion completion) {
    return completion.choices().isEmpty() ? "" : completion.choices().get(0).message().content().orElse("");
  }

  private static FunctionDefinition function(String name, String description, Map<String, Object> properties) {
    return FunctionDefinition.builder()
        .name(name)
        .description(description)
        .parameters(FunctionParameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(properties))
            .build())
        .build();
  }
}
