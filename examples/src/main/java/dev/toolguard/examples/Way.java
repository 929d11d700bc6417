package dev.toolguard.examples;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The ways into toolguard that the tour shows, in the order of its columns. The framework-free loop
 * and the command line run in the tour's own process; each framework runs in its own module's jar,
 * as a subprocess (Spring AI and openai-java 4.101 cannot share a classpath).
 */
public enum Way {
  /** LangChain4j's {@code OpenAiChatModel}, bare and wrapped by {@code LangChain4jToolGuard}. */
  LANGCHAIN4J("langchain4j", "dev.toolguard.examples.langchain4j.TourWay"),
  /** Spring AI's {@code ChatClient}, bare and with toolguard's advisor. */
  SPRING_AI("spring-ai", "dev.toolguard.examples.springai.TourWay"),
  /** openai-java's {@code OpenAIClient}, bare and decorated by toolguard. */
  OPENAI_JAVA("openai-java", "dev.toolguard.examples.openai.TourWay"),
  /** toolguard's own function-invoking loop over toolguard-json's {@code HttpChatBackend}. */
  LOOP("loop", null),
  /** The {@code toolguard repair} command line on request bodies. */
  CLI("cli", null);

  private final String id;
  private final @Nullable String mainClass;

  Way(String id, @Nullable String mainClass) {
    this.id = id;
    this.mainClass = mainClass;
  }

  /** The way's name on the command line and in rows, e.g. {@code langchain4j}. */
  public String id() {
    return id;
  }

  /** True when the tour runs this way in its own process. */
  public boolean inProcess() {
    return mainClass == null;
  }

  /** The main class of the way's module, for a subprocess way. */
  public String mainClass() {
    if (mainClass == null) {
      throw new IllegalStateException(id + " runs in the tour's process");
    }
    return mainClass;
  }

  /** The way's module directory, e.g. {@code examples-langchain4j}. */
  public String moduleDir() {
    return "examples-" + id;
  }

  /** The way's shaded jar, relative to the repository root. */
  public String jarPath() {
    return moduleDir() + "/target/toolguard-examples-" + id + ".jar";
  }

  /** The way named {@code id}, or null. */
  public static @Nullable Way find(String id) {
    for (Way w : values()) {
      if (w.id.equals(id)) {
        return w;
      }
    }
    return null;
  }

  /** The names of all ways, in column order. */
  public static List<String> ids() {
    List<String> ids = new ArrayList<>();
    for (Way w : values()) {
      ids.add(w.id);
    }
    return ids;
  }
}
