package dev.toolguard.springai.internal;

import dev.toolguard.core.Dialect;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The wire format of a Spring AI chat model, by the name of its class or of its options' class (names,
 * not classes: each provider's module is optional, and toolguard-spring-ai depends on none of them).
 * {@code ChatClient} builds every request's options from the model's own ({@code
 * chatModel.getOptions().mutate()}), so the options of a request name the model it goes to.
 */
public final class Dialects {

  /** Spring AI's chat models, by class name. */
  static final Map<String, Dialect> MODELS = Map.of(
      "org.springframework.ai.openai.OpenAiChatModel", Dialect.OPENAI_CHAT,
      "org.springframework.ai.azure.openai.AzureOpenAiChatModel", Dialect.OPENAI_CHAT,
      "org.springframework.ai.anthropic.AnthropicChatModel", Dialect.ANTHROPIC,
      "org.springframework.ai.google.genai.GoogleGenAiChatModel", Dialect.GEMINI,
      "org.springframework.ai.vertexai.gemini.VertexAiGeminiChatModel", Dialect.GEMINI,
      "org.springframework.ai.bedrock.converse.BedrockProxyChatModel", Dialect.BEDROCK_CONVERSE,
      "org.springframework.ai.mistralai.MistralAiChatModel", Dialect.MISTRAL,
      "org.springframework.ai.ollama.OllamaChatModel", Dialect.OLLAMA);

  /** Their options, by class name. */
  static final Map<String, Dialect> OPTIONS = Map.of(
      "org.springframework.ai.openai.OpenAiChatOptions", Dialect.OPENAI_CHAT,
      "org.springframework.ai.azure.openai.AzureOpenAiChatOptions", Dialect.OPENAI_CHAT,
      "org.springframework.ai.anthropic.AnthropicChatOptions", Dialect.ANTHROPIC,
      "org.springframework.ai.google.genai.GoogleGenAiChatOptions", Dialect.GEMINI,
      "org.springframework.ai.vertexai.gemini.VertexAiGeminiChatOptions", Dialect.GEMINI,
      "org.springframework.ai.bedrock.converse.BedrockChatOptions", Dialect.BEDROCK_CONVERSE,
      "org.springframework.ai.mistralai.MistralAiChatOptions", Dialect.MISTRAL,
      "org.springframework.ai.ollama.api.OllamaChatOptions", Dialect.OLLAMA,
      "org.springframework.ai.ollama.api.OllamaOptions", Dialect.OLLAMA);

  private Dialects() {}

  /** The dialect of {@code model}'s class or of a class it extends; null when none is known. */
  public static @Nullable Dialect ofModel(@Nullable Object model) {
    return model == null ? null : byClass(model.getClass(), MODELS);
  }

  /** The dialect of the model whose options {@code options} are; null when none is known. */
  public static @Nullable Dialect ofOptions(@Nullable Object options) {
    return options == null ? null : byClass(options.getClass(), OPTIONS);
  }

  private static @Nullable Dialect byClass(Class<?> type, Map<String, Dialect> names) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      Dialect d = names.get(c.getName());
      if (d != null) {
        return d;
      }
    }
    return null;
  }
}
