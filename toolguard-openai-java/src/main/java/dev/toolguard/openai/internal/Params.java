package dev.toolguard.openai.internal;

import dev.toolguard.core.ToolguardException;
import dev.toolguard.core.loop.ChatRequest;
import dev.toolguard.core.loop.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/** What both backends do alike with openai-java's params builders: the tools, then the application's part. */
final class Params {

  private Params() {}

  /** The tools of {@code request}, each as {@code tool} makes it, in order. */
  static <T> List<T> tools(ChatRequest request, Function<ToolSpec, T> tool) {
    List<T> tools = new ArrayList<>(request.tools().size());
    for (ToolSpec spec : request.tools()) {
      tools.add(tool.apply(spec));
    }
    return tools;
  }

  /**
   * {@code builder} after the application's {@code customizer}, built by {@code build}.
   *
   * @throws ToolguardException naming the {@code api} and what is missing, when the params are incomplete
   */
  static <B, P> P build(B builder, Consumer<B> customizer, Function<B, P> build, String api) {
    customizer.accept(builder);
    try {
      return build.apply(builder);
    } catch (IllegalStateException e) {
      throw new ToolguardException("the " + api + " params are incomplete (" + e.getMessage() + "); set what is"
          + " missing in the params customizer, e.g. b -> b.model(ChatModel.GPT_4O_MINI)", e);
    }
  }
}
