package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultStatus;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * The AWS SDK's own Bedrock Runtime client (what LangChain4j's {@code BedrockChatModel} and Spring AI's
 * {@code BedrockProxyChatModel} are built on; neither module is served here), pointed at the referee
 * with {@code endpointOverride}: Converse through a tool round, ConverseStream decoded by the SDK's
 * event stream reader (which checks both CRCs of every message), and a broken history as the SDK's
 * {@code ValidationException} with Bedrock's text.
 */
class BedrockSdkTest extends RefereeTestBase {

  static final String MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0";
  static BedrockRuntimeClient client;
  static BedrockRuntimeAsyncClient asyncClient;

  static final ToolConfiguration TOOLS = ToolConfiguration.builder()
      .tools(Tool.fromToolSpec(ToolSpecification.builder()
          .name("get_weather")
          .description("The weather in a city")
          .inputSchema(ToolInputSchema.fromJson(Document.mapBuilder()
              .putString("type", "object")
              .putDocument("properties", Document.mapBuilder()
                  .putDocument("city", Document.mapBuilder().putString("type", "string").build()).build())
              .build()))
          .build()))
      .build();

  @BeforeAll
  static void clients() {
    StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    client = BedrockRuntimeClient.builder()
        .endpointOverride(URI.create(referee.baseUrl()))
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
        .build();
    asyncClient = BedrockRuntimeAsyncClient.builder()
        .endpointOverride(URI.create(referee.baseUrl()))
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials)
        .httpClient(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1)
            .connectionTimeout(Duration.ofSeconds(5)).build())
        .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
        .build();
  }

  @AfterAll
  static void closeClients() {
    client.close();
    asyncClient.close();
  }

  static Message user(String text) {
    return Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(text)).build();
  }

  static Message results(String... ids) {
    List<ContentBlock> blocks = new ArrayList<>();
    for (String id : ids) {
      blocks.add(ContentBlock.fromToolResult(ToolResultBlock.builder().toolUseId(id)
          .content(ToolResultContentBlock.fromText("sunny, 21 C")).status(ToolResultStatus.SUCCESS).build()));
    }
    return Message.builder().role(ConversationRole.USER).content(blocks).build();
  }

  static Message uses(String... ids) {
    List<ContentBlock> blocks = new ArrayList<>();
    for (String id : ids) {
      blocks.add(ContentBlock.fromToolUse(ToolUseBlock.builder().toolUseId(id).name("get_weather")
          .input(Document.mapBuilder().putString("city", "Paris").build()).build()));
    }
    return Message.builder().role(ConversationRole.ASSISTANT).content(blocks).build();
  }

  @Test
  void converseRunsAToolRoundThroughTheSdk() {
    referee.script().enqueue(Reply.textAndToolCalls("Let me check.", Reply.call("get_weather", "{\"city\":\"Paris\"}")),
        Reply.text("It is sunny in Paris."));
    List<Message> history = new ArrayList<>(List.of(user("Weather in Paris?")));
    ConverseResponse first = client.converse(ConverseRequest.builder().modelId(MODEL).messages(history)
        .toolConfig(TOOLS).build());
    assertThat(first.stopReason()).isEqualTo(StopReason.TOOL_USE);
    Message assistant = first.output().message();
    assertThat(assistant.content().get(0).text()).isEqualTo("Let me check.");
    ToolUseBlock use = assistant.content().get(1).toolUse();
    assertThat(use.toolUseId()).isEqualTo("tooluse_1");
    assertThat(use.input().asMap().get("city").asString()).isEqualTo("Paris");
    assertThat(first.usage().totalTokens()).isPositive();

    history.add(assistant);
    history.add(results(use.toolUseId()));
    ConverseResponse second = client.converse(ConverseRequest.builder().modelId(MODEL).messages(history)
        .toolConfig(TOOLS).build());
    assertThat(second.stopReason()).isEqualTo(StopReason.END_TURN);
    assertThat(second.output().message().content().get(0).text()).isEqualTo("It is sunny in Paris.");
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.requests(Endpoint.BEDROCK_CONVERSE)).hasSize(2);
    assertThat(referee.lastRequest().path()).isEqualTo("/model/" + MODEL.replace(":", "%3A") + "/converse");
    assertThat(referee.lastRequest().model()).isEqualTo(MODEL);
    assertThat(referee.lastRequest().toolResultIds()).containsExactly("tooluse_1");
  }

  @Test
  void aBrokenHistoryIsTheSdksValidationExceptionWithBedrocksText() {
    ConverseRequest broken = ConverseRequest.builder().modelId(MODEL).toolConfig(TOOLS)
        .messages(user("Weather in Paris and Rome?"), uses("tooluse_a", "tooluse_b"), results("tooluse_a")).build();
    String text = ErrorMessages.Bedrock.expectedToolResults(2, List.of("tooluse_b"));
    assertThatThrownBy(() -> client.converse(broken))
        .isInstanceOfSatisfying(ValidationException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(text);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        });
    ConverseRequest tooMany = ConverseRequest.builder().modelId(MODEL).toolConfig(TOOLS)
        .messages(user("Weather?"), uses("tooluse_a"), results("tooluse_a", "tooluse_b")).build();
    assertThatThrownBy(() -> client.converse(tooMany)).isInstanceOf(ValidationException.class)
        .hasMessageContaining(ErrorMessages.Bedrock.tooManyResults(2));
  }

  @Test
  void converseStreamIsDecodedByTheSdkInOrder() throws Exception {
    referee.script().enqueue(Reply.textAndToolCalls("It is sunny.", Reply.call("get_weather", "{\"city\":\"Paris\"}")));
    List<String> seen = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    StringBuilder input = new StringBuilder();
    ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
        .subscriber(ConverseStreamResponseHandler.Visitor.builder()
            .onMessageStart(e -> seen.add("messageStart:" + e.roleAsString()))
            .onContentBlockStart(e -> seen.add("contentBlockStart:" + e.start().toolUse().toolUseId()))
            .onContentBlockDelta(e -> {
              if (e.delta().text() != null) {
                text.append(e.delta().text());
              } else {
                input.append(e.delta().toolUse().input());
              }
            })
            .onContentBlockStop(e -> seen.add("contentBlockStop:" + e.contentBlockIndex()))
            .onMessageStop(e -> seen.add("messageStop:" + e.stopReasonAsString()))
            .onMetadata(e -> seen.add("metadata:" + (e.usage().outputTokens() > 0)))
            .build())
        .build();
    asyncClient.converseStream(ConverseStreamRequest.builder().modelId(MODEL).toolConfig(TOOLS)
        .messages(user("Weather in Paris?")).build(), handler).get(20, TimeUnit.SECONDS);
    assertThat(seen).containsExactly("messageStart:assistant", "contentBlockStop:0", "contentBlockStart:tooluse_1",
        "contentBlockStop:1", "messageStop:tool_use", "metadata:true");
    assertThat(text).hasToString("It is sunny.");
    assertThat(input).hasToString("{\"city\":\"Paris\"}");
    assertThat(referee.lastRequest().stream()).isTrue();
  }

  @Test
  void aBrokenStreamedHistoryIsTheSdksValidationException() {
    ConverseStreamRequest broken = ConverseStreamRequest.builder().modelId(MODEL).toolConfig(TOOLS)
        .messages(user("Weather?"), uses("tooluse_a"), user("hello?")).build();
    ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
        .subscriber(ConverseStreamResponseHandler.Visitor.builder().build()).build();
    assertThatThrownBy(() -> asyncClient.converseStream(broken, handler).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(ValidationException.class)
        .cause().hasMessageContaining(ErrorMessages.Bedrock.expectedToolResults(2, List.of("tooluse_a")));
  }
}
