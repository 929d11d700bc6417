package dev.toolguard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The root README's "Add it to your app" snippets are the {@code tag::quick-start} regions of the
 * tests that compile and run them against the referee, verbatim (less their indentation): change the
 * test, then copy its lines into the README.
 */
class RootReadmeSnippetsTest {

  private static final Path ROOT = Path.of("..");

  @ParameterizedTest
  @ValueSource(strings = {
      "toolguard-langchain4j/src/test/java/dev/toolguard/langchain4j/QuickStartTest.java",
      "toolguard-spring-ai/src/test/java/dev/toolguard/springai/QuickStartTest.java",
      "toolguard-openai-java/src/test/java/dev/toolguard/openai/QuickStartTest.java",
      "toolguard-json/src/test/java/dev/toolguard/json/tools/QuickStartTest.java",
      "toolguard-hosting/src/test/java/dev/toolguard/hosting/QuickStartTest.java"})
  void theReadmeQuotesTheTestedSnippet(String test) throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String snippet = region(Files.readString(ROOT.resolve(test)));
    assertThat(snippet).isNotBlank();
    assertThat(readme).as("README.md quotes the quick-start lines of %s", test)
        .contains("```java\n" + snippet + "```\n");
    assertThat(readme).contains("`" + test + "`");
  }

  @ParameterizedTest
  @ValueSource(strings = {"./mvnw -B -q -DskipTests package && java -jar examples/target/toolguard-examples.jar",
      "./mvnw -B verify", "./mvnw -B -q -DskipTests install",
      "java -jar toolguard-json/target/toolguard.jar repair --dialect openai-chat samples/broken-openai-chat.json"})
  void theSetUpCommandsAreThere(String command) throws IOException {
    assertThat(Files.readString(ROOT.resolve("README.md"))).contains("    " + command + "\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"toolguard-bom", "toolguard-core", "toolguard-jdbc", "toolguard-json", "toolguard-testkit",
      "toolguard-langchain4j", "toolguard-spring-ai", "toolguard-openai-java", "toolguard-hosting",
      "toolguard-hosting-spring-boot", "examples", "examples-langchain4j",
      "examples-spring-ai", "examples-openai-java", "benchmarks"})
  void everyModuleHasAReadmeThatTheTableLinks(String module) throws IOException {
    assertThat(ROOT.resolve(module).resolve("README.md")).exists();
    assertThat(Files.readString(ROOT.resolve("README.md"))).contains("| [`" + module + "`](" + module + "/README.md) |");
    assertThat(Files.readString(ROOT.resolve("pom.xml"))).contains("<module>" + module + "</module>");
  }

  @org.junit.jupiter.api.Test
  void theBomManagesEveryPublishedModuleOfTheReactor() throws IOException {
    String root = Files.readString(ROOT.resolve("pom.xml"));
    String bom = Files.readString(ROOT.resolve("toolguard-bom/pom.xml"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("<module>(toolguard-[a-z0-9-]+)</module>").matcher(root);
    List<String> published = new ArrayList<>();
    while (m.find()) {
      if (!m.group(1).equals("toolguard-bom")) {
        published.add(m.group(1));
      }
    }
    assertThat(published).contains("toolguard-core", "toolguard-jdbc", "toolguard-json", "toolguard-testkit",
        "toolguard-langchain4j", "toolguard-spring-ai", "toolguard-openai-java");
    for (String module : published) {
      assertThat(bom).as("toolguard-bom manages %s", module).contains("<artifactId>" + module + "</artifactId>");
    }
    assertThat(bom).doesNotContain("<parent>");
  }

  /** The lines between the tag lines, less their common indentation. */
  static String region(String source) {
    String start = "// tag::quick-start[]\n";
    int a = source.indexOf(start) + start.length();
    int b = source.indexOf("// end::quick-start[]");
    assertThat(a).isGreaterThan(start.length() - 1);
    assertThat(b).isGreaterThan(a);
    String[] lines = source.substring(a, b).stripTrailing().split("\n");
    int indent = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) {
        indent = Math.min(indent, l.length() - l.stripLeading().length());
      }
    }
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      out.add(l.isBlank() ? "" : l.substring(indent));
    }
    return String.join("\n", out) + "\n";
  }
}
