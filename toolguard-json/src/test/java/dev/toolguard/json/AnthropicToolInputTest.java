package dev.toolguard.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.json.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An Anthropic {@code tool_use} input must be a JSON object: the API refuses any other value in a
 * request ({@code messages.1.content.0.tool_use.input: Input should be a valid dictionary}). The codec
 * used to read an array, a string or a number as the call's arguments and write it back as it was, so
 * a model's answer with such an input was stored and every later request of the conversation got that
 * 400. It is now a clear error where it comes in (an answer that is malformed, a body that is not one
 * of the dialect) and where it would go out. Found by the hostile-input tests over HTTP.
 */
class AnthropicToolInputTest {

  private static String body(String input) {
    return "{\"model\":\"m\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"pay\"},"
        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"pay\",\"input\":"
        + input + "}]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
        + "\"content\":\"no\"}]}]}";
  }

  @ParameterizedTest
  @ValueSource(strings = {"[5]", "\"five euros\"", "5", "null", "true"})
  void aToolUseInputThatIsNotAnObjectIsNotABodyOfTheDialect(String input) {
    WireFormatException e = catchThrowableOfType(WireFormatException.class,
        () -> WireCodec.anthropic().read(body(input)));

    assertThat(e).isNotNull();
    assertThat(e.problem()).endsWith("; a tool_use input must be a JSON object ({} for none)");
    assertThat(e.path()).isEqualTo("messages[1].content[0].input");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(new String[] {"repair", "--dialect", "anthropic", "-"},
        new ByteArrayInputStream(body(input).getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).isEqualTo(Main.BAD_INPUT);
    assertThat(out.size()).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8).strip()).contains("a tool_use input must be a JSON object")
        .contains("messages[1].content[0].input").doesNotContain("\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"amount\":5}", "{ \"amount\" : [5] }"})
  void anObjectIsReadAndWrittenAsItIs(String input) {
    WireRequest read = WireCodec.anthropic().read(body(input));
    assertThat(read.history().get(1).toolCalls().get(0).argumentsJson()).isEqualTo(input.replace(" ", ""));
    assertThat(WireCodec.anthropic().write(read)).contains("\"input\":" + input.replace(" ", ""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[5]", "\"five euros\"", "5", "null"})
  void argumentsThatAreJsonButNotAnObjectAreAClearErrorBeforeTheyAreSent(String arguments) {
    List<Message> history = List.of(Message.user("pay"), Message.assistant(ToolCall.of("toolu_1", "pay", arguments)),
        Message.tool(ToolResult.of("toolu_1", "pay", "no")));
    WireRequest request = WireCodec.anthropic().read("{\"model\":\"m\",\"max_tokens\":64,\"messages\":[]}")
        .withHistory(history);

    // written as text (compact plain arguments are copied as they are) and as a tree (parsed)
    for (Runnable write : List.<Runnable>of(() -> WireCodec.anthropic().write(request),
        () -> WireCodec.anthropic().writeTree(request))) {
      WireFormatException e = catchThrowableOfType(WireFormatException.class, write::run);
      assertThat(e).isNotNull();
      assertThat(e.problem()).isEqualTo("the arguments of call toolu_1 are JSON but not an object; an Anthropic"
          + " tool_use input must be a JSON object");
      assertThat(e.path()).isEqualTo("history[1].contents[0]");
    }
    assertThat(catchThrowableOfType(WireFormatException.class,
        () -> WireGuard.ofDefaults().repair(new WireRequest(Dialect.ANTHROPIC, history,
            WireCodec.anthropic().read("{\"model\":\"m\",\"max_tokens\":64,\"messages\":[]}").envelope()))))
        .as("the guard's repair of the request").isNotNull();
  }
}
