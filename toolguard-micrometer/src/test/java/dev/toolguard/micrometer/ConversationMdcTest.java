package dev.toolguard.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.http.HttpBackendConfig;
import dev.toolguard.json.http.HttpChatBackend;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * toolguard-core puts the conversation key into the slf4j MDC during a run (on the loop's thread and
 * on the tool threads) and puts back what was there; checked here, with Logback's real MDC, on
 * toolguard's own log lines of a run over the referee.
 */
class ConversationMdcTest {

  private ProviderReferee referee;
  /** Keeps each event with its MDC as it was when logged (Logback reads it lazily otherwise). */
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>() {
    @Override
    protected void append(ILoggingEvent e) {
      e.prepareForDeferredProcessing();
      super.append(e);
    }
  };
  private final Logger loopLog = (Logger) LoggerFactory.getLogger("dev.toolguard");

  @BeforeEach
  void start() {
    referee = ProviderReferee.start();
    appender.start();
    loopLog.addAppender(appender);
  }

  @AfterEach
  void stop() {
    loopLog.detachAppender(appender);
    referee.close();
    MDC.clear();
  }

  @Test
  void toolguardsWarningsAndTheToolsCarryTheConversationAndTheCallersMdcIsPutBack() {
    // the model still asks for a tool at the last iteration allowed: toolguard warns on the loop's thread
    referee.script().enqueue(
        Reply.toolCalls(Reply.call("weather", "{\"city\":\"Paris\"}"), Reply.call("weather", "{\"city\":\"Rome\"}")),
        Reply.toolCall("weather", "{\"city\":\"Berlin\"}"));
    Map<String, String> seenByTools = new ConcurrentHashMap<>();
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(HttpChatBackend.of(Dialect.OPENAI_CHAT,
            HttpBackendConfig.builder().baseUrl(referee.openAiBaseUrl()).apiKey("k").model("gpt-4.1-mini").build()))
        .tools(LoopTool.of(new ToolSpec("weather", "Weather", "{\"type\":\"object\"}"), args -> {
          seenByTools.put(args, String.valueOf(MDC.get(FunctionInvokingLoop.MDC_CONVERSATION)));
          return "sunny";
        }))
        .config(LoopConfig.custom().maxConcurrency(2).maxIterations(2).build()) // two calls: on pool threads
        .build();
    MDC.put(FunctionInvokingLoop.MDC_CONVERSATION, "outer");

    LoopResult r = loop.run("conv-mdc", List.of(Message.user("Paris and Rome?")));

    assertThat(r.status()).isEqualTo(LoopResult.Status.ITERATION_LIMIT);

    assertThat(MDC.get(FunctionInvokingLoop.MDC_CONVERSATION)).isEqualTo("outer");
    assertThat(seenByTools).containsOnlyKeys("{\"city\":\"Paris\"}", "{\"city\":\"Rome\"}")
        .allSatisfy((args, conversation) -> assertThat(conversation).isEqualTo("conv-mdc"));
    List<ILoggingEvent> warnings = appender.list.stream()
        .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN).toList();
    assertThat(warnings).extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(m -> assertThat(m).contains("still asks for tools after 2 iterations"));
    assertThat(warnings).allSatisfy(e -> assertThat(e.getMDCPropertyMap())
        .containsEntry(FunctionInvokingLoop.MDC_CONVERSATION, "conv-mdc"));
  }

  @Test
  void aRunWithoutAKeyLeavesTheMdcAsItWas() {
    referee.script().enqueue(Reply.text("Hi."));
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(HttpChatBackend.of(Dialect.OPENAI_CHAT,
        HttpBackendConfig.builder().baseUrl(referee.openAiBaseUrl()).apiKey("k").model("gpt-4.1-mini").build()))
        .build();

    loop.run(List.of(Message.user("Hello")));

    assertThat(MDC.get(FunctionInvokingLoop.MDC_CONVERSATION)).isNull();
  }
}
