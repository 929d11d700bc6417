package dev.toolguard.json.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.json.http.HttpBackendConfig;
import dev.toolguard.json.http.HttpChatBackend;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Typed tools through the framework-free loop over HTTP: the referee (the model) calls them with
 * arguments, the loop runs them, and what the model gets back is read from the next request it receives.
 */
class TypedToolsOverHttpTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  enum Unit { CELSIUS, FAHRENHEIT }

  record Weather(String city, int degrees, Unit unit) {}

  /** Tools as methods of an ordinary class; parameter names come from -parameters. */
  public static final class WeatherTools {
    final List<String> notified = new CopyOnWriteArrayList<>();

    @ToolFunction(description = "The weather in a city")
    public Weather weather(@ToolParam(description = "the city's name") String city,
        @ToolParam(description = "the unit", required = false) @Nullable Unit unit) {
      return new Weather(city, unit == Unit.FAHRENHEIT ? 70 : 21, unit == null ? Unit.CELSIUS : unit);
    }

    @ToolFunction(name = "notify_user", description = "Shows a message to the user")
    public void notifyUser(String message, int priority) {
      notified.add(priority + ":" + message);
    }

    @ToolFunction(description = "Fails")
    public String broken() {
      throw new IllegalStateException("the weather station is down");
    }

    public String notATool() {
      return "";
    }
  }

  record Line(String sku, int quantity) {}

  record Order(@ToolParam(description = "who pays") String customer, List<Line> lines,
      @ToolParam(description = "a note", required = false) @Nullable String note) {
    Order {
      if (lines.isEmpty()) {
        throw new IllegalArgumentException("an order needs at least one line");
      }
    }
  }

  private ProviderReferee referee;
  private final List<Order> orders = new CopyOnWriteArrayList<>();
  private final WeatherTools weatherTools = new WeatherTools();

  @BeforeEach
  void start() {
    referee = ProviderReferee.start();
  }

  @AfterEach
  void stop() {
    referee.close();
  }

  private LoopResult run(String userText, Reply... replies) {
    referee.script().enqueue(replies);
    List<LoopTool> tools = new ArrayList<>(TypedTools.from(weatherTools));
    tools.add(TypedTools.action("place_order", "Places an order", Order.class, orders::add));
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(HttpChatBackend.openAiChat(HttpBackendConfig.builder()
            .baseUrl(referee.openAiBaseUrl()).apiKey("test").model("gpt-4o-mini").build()))
        .tools(tools.toArray(LoopTool[]::new))
        .build();
    LoopResult result = loop.run(List.of(Message.user(userText)));
    assertThat(referee.rejections()).isEmpty();
    return result;
  }

  private static List<String> toolOutputs(LoopResult result) {
    List<String> out = new ArrayList<>();
    for (Message m : result.history()) {
      for (ToolResult r : m.toolResults()) {
        out.add(r.output());
      }
    }
    return out;
  }

  @Test
  void theModelIsToldEachToolsSchemaGeneratedFromTheJavaTypes() throws Exception {
    run("hi", Reply.text("Hello."));
    JsonNode tools = referee.requests().get(0).json().get("tools");
    Map<String, JsonNode> byName = new java.util.TreeMap<>();
    tools.forEach(t -> byName.put(t.at("/function/name").asText(), t.at("/function/parameters")));
    assertThat(byName.keySet()).containsExactly("broken", "notify_user", "place_order", "weather");
    assertThat(byName.get("weather")).isEqualTo(JSON.readTree("""
        {"type":"object","properties":{
          "city":{"type":"string","description":"the city's name"},
          "unit":{"type":"string","enum":["CELSIUS","FAHRENHEIT"],"description":"the unit"}},
         "required":["city"],"additionalProperties":false}"""));
    assertThat(byName.get("notify_user")).isEqualTo(JSON.readTree("""
        {"type":"object","properties":{"message":{"type":"string"},"priority":{"type":"integer"}},
         "required":["message","priority"],"additionalProperties":false}"""));
    assertThat(byName.get("place_order")).isEqualTo(JSON.readTree("""
        {"type":"object","properties":{
          "customer":{"type":"string","description":"who pays"},
          "lines":{"type":"array","items":{"type":"object","properties":{
            "sku":{"type":"string"},"quantity":{"type":"integer"}},"required":["sku","quantity"],"additionalProperties":false}},
          "note":{"type":"string","description":"a note"}},
         "required":["customer","lines"],"additionalProperties":false}"""));
    assertThat(JSON.readTree(TypedTools.schemaOf(Order.class))).isEqualTo(byName.get("place_order"));
  }

  @Test
  void argumentsAreBoundAndResultsComeBackAsJsonOrASuccessText() throws Exception {
    LoopResult result = run("Weather in Paris, and tell me.",
        Reply.toolCalls(Reply.call("weather", "{\"city\":\"Paris\"}"),
            Reply.call("weather", "{\"city\":\"Austin\",\"unit\":\"FAHRENHEIT\"}"),
            Reply.call("notify_user", "{\"message\":\"sunny\",\"priority\":\"2\"}")),
        Reply.toolCall("place_order", "{\"customer\":\"Ann\",\"lines\":[{\"sku\":\"A1\",\"quantity\":2}]}"),
        Reply.text("Done."));
    assertThat(result.text()).isEqualTo("Done.");
    List<String> outputs = toolOutputs(result);
    assertThat(JSON.readTree(outputs.get(0))).isEqualTo(JSON.readTree("{\"city\":\"Paris\",\"degrees\":21,\"unit\":\"CELSIUS\"}"));
    assertThat(JSON.readTree(outputs.get(1))).isEqualTo(JSON.readTree("{\"city\":\"Austin\",\"degrees\":70,\"unit\":\"FAHRENHEIT\"}"));
    assertThat(outputs.get(2)).isEqualTo("Tool 'notify_user' ran successfully.");
    assertThat(outputs.get(3)).isEqualTo("Tool 'place_order' ran successfully.");
    assertThat(weatherTools.notified).containsExactly("2:sunny");
    assertThat(orders).containsExactly(new Order("Ann", List.of(new Line("A1", 2)), null));
    // what the model was sent back is what the tools returned
    RecordedRequest second = referee.requests().get(1);
    assertThat(second.json().at("/messages/2/content").asText()).isEqualTo(outputs.get(0));
  }

  @Test
  void badArgumentsAreAnsweredWithTheFieldAndNothingRuns() {
    LoopResult result = run("Order.",
        Reply.toolCalls(
            Reply.call("place_order", "{\"customer\":\"Ann\"}"),
            Reply.call("place_order", "{\"customer\":\"Ann\",\"lines\":[{\"sku\":\"A1\",\"quantity\":\"two\"}]}"),
            Reply.call("place_order", "{\"customer\":\"Ann\",\"lines\":[{\"sku\":\"A1\"}]}"),
            Reply.call("place_order", "{\"customer\":\"Ann\",\"lines\":[],\"coupon\":\"X\"}"),
            Reply.call("place_order", "{\"customer\":\"Ann\",\"lines\":[]}"),
            Reply.call("weather", "{\"city\":\"Paris\",\"unit\":\"KELVIN\"}"),
            Reply.call("notify_user", "{\"message\":[1],\"priority\":1}"),
            Reply.call("place_order", "{\"customer\":\"Ann\",\"lines\":{\"sku\":\"A1\"}}")),
        Reply.text("Sorry."));
    String again = ". Call '%s' again with arguments that match its schema.";
    assertThat(toolOutputs(result)).containsExactly(
        "Invalid arguments for tool 'place_order': lines is missing; it is required (an array)" + again.formatted("place_order"),
        "Invalid arguments for tool 'place_order': lines[0].quantity must be an integer, got \"two\"" + again.formatted("place_order"),
        "Invalid arguments for tool 'place_order': lines[0].quantity is missing; it is required (an integer)" + again.formatted("place_order"),
        "Invalid arguments for tool 'place_order': has no field 'coupon'; its fields are customer, lines, note" + again.formatted("place_order"),
        "Invalid arguments for tool 'place_order': an order needs at least one line" + again.formatted("place_order"),
        "Invalid arguments for tool 'weather': unit must be one of CELSIUS, FAHRENHEIT, got \"KELVIN\"" + again.formatted("weather"),
        "Invalid arguments for tool 'notify_user': message must be a string, got [1]" + again.formatted("notify_user"),
        "Invalid arguments for tool 'place_order': lines must be an array, got {\"sku\":\"A1\"}" + again.formatted("place_order"));
    assertThat(orders).isEmpty();
    assertThat(weatherTools.notified).isEmpty();
  }

  @Test
  void whatAToolThrowsIsAnErrorResultOfTheLoop() {
    LoopResult result = run("Break.", Reply.toolCall("broken", "{}"), Reply.text("Oh."));
    Message tool = result.history().get(2);
    assertThat(tool.toolResults()).singleElement().satisfies(r -> {
      assertThat(r.error()).isTrue();
      assertThat(r.output()).isEqualTo("Tool 'broken' failed.");
    });
  }

  @Test
  void aToolThatCannotBeMadeIsRefusedEagerlyNamingWhere() {
    assertThatThrownBy(() -> TypedTools.from(new Object()))
        .isInstanceOf(TypedToolException.class)
        .hasMessage("TypedTools.from(java.lang.Object): the class has no public method annotated @ToolFunction");
    assertThatThrownBy(() -> TypedTools.from(new Unsupported()))
        .isInstanceOf(TypedToolException.class)
        .hasMessage("TypedTools.from: " + Unsupported.class.getName() + ".run, argument when has the"
            + " type java.time.Instant, which has no JSON schema here; use a String, a number, a boolean, an enum,"
            + " a record, an array, a List, a Map<String, V> or a JsonNode");
    assertThatThrownBy(() -> TypedTools.from(new OptionalPrimitive()))
        .isInstanceOf(TypedToolException.class)
        .hasMessage("TypedTools.from: " + OptionalPrimitive.class.getName() + ".run, parameter n: an optional"
            + " argument of the primitive type int cannot be left out; use its box type (Integer)");
    assertThatThrownBy(() -> TypedTools.from(new SameName()))
        .isInstanceOf(TypedToolException.class)
        .hasMessageContaining("a second tool named 'go'");
  }

  public static final class Unsupported {
    @ToolFunction(description = "x")
    public String run(java.time.Instant when) {
      return "";
    }
  }

  public static final class OptionalPrimitive {
    @ToolFunction(description = "x")
    public String run(@ToolParam(required = false) int n) {
      return "";
    }
  }

  public static final class SameName {
    @ToolFunction(name = "go", description = "x")
    public String a() {
      return "";
    }

    @ToolFunction(name = "go", description = "y")
    public String b() {
      return "";
    }
  }
}
