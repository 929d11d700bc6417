package dev.toolguard.json.tools;

import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.json.tools.internal.TypedTool;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Typed tools for the framework-free loop ({@code FunctionInvokingLoop}): a {@link LoopTool} from Java
 * methods or from a record type instead of a {@code String -> String} function.
 *
 * <pre>{@code
 * class WeatherTools {
 *   @ToolFunction(description = "The weather in a city")
 *   Weather weather(@ToolParam(description = "the city's name") String city) { ... }
 * }
 * List<LoopTool> tools = TypedTools.from(new WeatherTools());
 *
 * record Payment(@ToolParam(description = "who is paid") String to, double amount) {}
 * LoopTool pay = TypedTools.action("pay", "Pays someone", Payment.class, p -> bank.pay(p.to(), p.amount()));
 * }</pre>
 *
 * <p>The JSON schema of the arguments is generated from the Java types: {@code String}, numbers
 * ({@code int}, {@code long}, {@code double}, {@code BigDecimal}, …), {@code boolean}, enums (their
 * constants), records (objects; nested too), arrays, {@code List}/{@code Set}/{@code Collection},
 * {@code Map<String, V>} and Jackson's {@code JsonNode} (any value). Every argument is required unless
 * {@link ToolParam#required()} is false or its type is annotated {@code @Nullable}; records allow no
 * other fields. The arguments are bound with Jackson. Arguments that do not fit — a required one
 * missing, a field the schema does not have, a value of the wrong type, a record constructor that
 * refuses them with an {@code IllegalArgumentException} — are not run: the model gets a result that
 * names the field and says what to send, whatever the loop's {@code detailedErrors}. A result is a
 * {@code String} as it is, {@code void} or null a success text ({@code Tool 'pay' ran successfully.}),
 * anything else its JSON. What the method throws goes to the loop (an error result).
 *
 * <p>Parameter names come from the class file: compile with {@code -parameters} (Spring Boot's and
 * toolguard's builds do), or name each parameter with {@link ToolParam#name()}.
 */
public final class TypedTools {

  private TypedTools() {}

  /**
   * A tool for every public method of {@code target}'s class annotated {@link ToolFunction} (static
   * ones too), in name order.
   *
   * @throws TypedToolException naming the method and parameter when a tool cannot be made, or when the
   *     class has no such method
   */
  public static List<LoopTool> from(Object target) {
    return TypedTool.fromMethods(target);
  }

  /**
   * A tool whose arguments are the components of {@code type}, bound to a record and handed to {@code handler}.
   *
   * @throws TypedToolException when a component's type has no JSON schema (the message names it)
   */
  public static <R extends Record> LoopTool of(String name, String description, Class<R> type, Handler<R> handler) {
    if (handler == null) {
      throw new TypedToolException("TypedTools.of(" + name + "): handler is null");
    }
    return TypedTool.fromRecord(name, description, type, handler::handle, false);
  }

  /**
   * A tool like {@link #of} whose body returns nothing: the model gets {@code Tool 'NAME' ran successfully.}
   *
   * @throws TypedToolException when a component's type has no JSON schema (the message names it)
   */
  public static <R extends Record> LoopTool action(String name, String description, Class<R> type, Action<R> action) {
    if (action == null) {
      throw new TypedToolException("TypedTools.action(" + name + "): action is null");
    }
    return TypedTool.fromRecord(name, description, type, r -> {
      action.run(r);
      return null;
    }, true);
  }

  /** The JSON schema that a typed tool advertises for arguments of {@code type} (a record: an object). */
  public static String schemaOf(Class<? extends Record> type) {
    return TypedTool.recordSchema(type);
  }

  /**
   * The body of a typed tool.
   *
   * @param <R> the record of the arguments
   */
  @FunctionalInterface
  public interface Handler<R> {
    /** Runs the tool; a {@code String} is the result as it is, null a success text, anything else its JSON. */
    @Nullable Object handle(R arguments) throws Exception;
  }

  /**
   * The body of a typed tool that returns nothing.
   *
   * @param <R> the record of the arguments
   */
  @FunctionalInterface
  public interface Action<R> {
    /** Runs the tool. */
    void run(R arguments) throws Exception;
  }
}
