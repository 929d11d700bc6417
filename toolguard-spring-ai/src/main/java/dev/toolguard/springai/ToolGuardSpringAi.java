package dev.toolguard.springai;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.ToolResult;
import dev.toolguard.springai.internal.MessageMapper;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.Message;

/**
 * The entry point of toolguard for Spring AI 2: the advisor that owns a {@code ChatClient}'s tool
 * loop, the repair-only advisor, the chat-memory decorator, and the small helpers around them.
 *
 * <pre>{@code
 * ChatClient client = ChatClient.builder(chatModel)
 *     .defaultAdvisors(ToolGuardSpringAi.advisor()
 *         .chatMemory(ToolGuardSpringAi.guard(MessageWindowChatMemory.builder().build()))
 *         .build())
 *     .build();
 * }</pre>
 */
public final class ToolGuardSpringAi {

  private ToolGuardSpringAi() {}

  /**
   * The wire format {@code model} speaks, by its class (or a class it extends), matched by name so that
   * no provider module is needed: {@code OpenAiChatModel} and {@code AzureOpenAiChatModel} {@link
   * dev.toolguard.core.Dialect#OPENAI_CHAT}, {@code AnthropicChatModel} {@link
   * dev.toolguard.core.Dialect#ANTHROPIC}, {@code GoogleGenAiChatModel} and {@code VertexAiGeminiChatModel}
   * {@link dev.toolguard.core.Dialect#GEMINI}, {@code BedrockProxyChatModel} (Converse) {@link
   * dev.toolguard.core.Dialect#BEDROCK_CONVERSE}, {@code MistralAiChatModel} {@link
   * dev.toolguard.core.Dialect#MISTRAL}, {@code OllamaChatModel} {@link dev.toolguard.core.Dialect#OLLAMA};
   * else by the class of its {@code getOptions()}; null for any other model (the advisors then keep the
   * invariant every provider shares). The advisors pick it by themselves from each request's options,
   * which {@code ChatClient} builds from the model's; this is for logs and for setting it by hand.
   */
  public static dev.toolguard.core.@org.jspecify.annotations.Nullable Dialect dialectOf(
      org.springframework.ai.chat.model.ChatModel model) {
    if (model == null) {
      throw new IllegalArgumentException("model must not be null");
    }
    dev.toolguard.core.Dialect byModel = dev.toolguard.springai.internal.Dialects.ofModel(model);
    return byModel != null ? byModel : dev.toolguard.springai.internal.Dialects.ofOptions(model.getOptions());
  }

  /** A builder of the advisor that runs the tool loop (in place of Spring AI's). */
  public static ToolGuardAdvisor.Builder advisor() {
    return ToolGuardAdvisor.builder();
  }

  /** The advisor that only repairs histories, for applications that keep Spring AI's tool loop. */
  public static ToolGuardRepairAdvisor repairAdvisor() {
    return ToolGuardRepairAdvisor.create();
  }

  /** {@code memory} guarded: it never hands out a broken history. */
  public static ToolGuardChatMemory guard(ChatMemory memory) {
    return ToolGuardChatMemory.of(memory);
  }

  /** Advisor parameters that answer waiting calls: {@code .advisors(ToolGuardSpringAi.approvals(r1, r2))}. */
  public static Consumer<ChatClient.AdvisorSpec> approvals(ApprovalResponse... responses) {
    List<ApprovalResponse> list = List.of(responses);
    return a -> a.param(ToolGuardAdvisor.APPROVALS, list);
  }

  /** Advisor parameters that answer calls of client-side tools with their results. */
  public static Consumer<ChatClient.AdvisorSpec> toolResults(ToolResult... results) {
    List<ToolResult> list = List.of(results);
    return a -> a.param(ToolGuardAdvisor.TOOL_RESULTS, list);
  }

  /** The calls waiting after a run of {@link ToolGuardAdvisor}; empty when none wait. */
  public static List<ApprovalRequest> pending(ChatClientResponse response) {
    if (response == null) {
      throw new IllegalArgumentException("response must not be null");
    }
    Object pending = response.context().get(ToolGuardAdvisor.PENDING);
    if (pending == null) {
      return List.of();
    }
    if (!(pending instanceof List<?> list)) {
      throw new IllegalArgumentException("context entry '" + ToolGuardAdvisor.PENDING + "' is a "
          + pending.getClass().getName() + ", not the list ToolGuardAdvisor puts there");
    }
    return list.stream().map(ApprovalRequest.class::cast).toList();
  }

  /**
   * The calls waiting in a Spring AI history: one read back from a chat memory or a client, possibly
   * in another process and after serialization. Build the answers from these.
   */
  public static List<ApprovalRequest> pending(List<? extends Message> history) {
    if (history == null) {
      throw new IllegalArgumentException("history must not be null");
    }
    return ToolGuardAdvisor.pendingIn(history);
  }

  /** A Spring AI history in toolguard's model (for checks, codecs, or storage of your own). */
  public static List<dev.toolguard.core.Message> toCore(List<? extends Message> history) {
    if (history == null) {
      throw new IllegalArgumentException("history must not be null");
    }
    return new MessageMapper().toCore(history);
  }

  /** A toolguard history as Spring AI messages; {@code toSpring(toCore(h))} equals {@code h}. */
  public static List<Message> toSpring(List<dev.toolguard.core.Message> history) {
    if (history == null) {
      throw new IllegalArgumentException("history must not be null");
    }
    return new MessageMapper().toSpring(history);
  }
}
