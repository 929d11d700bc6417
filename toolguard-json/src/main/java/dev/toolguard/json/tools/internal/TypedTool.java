package dev.toolguard.json.tools.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.tools.ToolFunction;
import dev.toolguard.json.tools.ToolParam;
import dev.toolguard.json.tools.TypedToolException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LoopTool} whose arguments are typed: a list of {@link Argument}s (from a method's parameters
 * or a record's components), a JSON schema generated from their types, and a body that gets the bound values.
 */
public final class TypedTool implements LoopTool {

  /** Strict about names and types, lenient where Jackson coerces ({@code "40"} for 40). */
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .build();

  private static final int MAX_DEPTH = 16;

  /**
   * One argument of a typed tool.
   *
   * @param name the name the model gives it by
   * @param type its Java type
   * @param required whether the model must give it
   * @param description what it is, or empty
   */
  public record Argument(String name, Type type, boolean required, String description) {}

  /** The body: the bound values, in the order of the arguments. */
  @FunctionalInterface
  public interface Body {
    /** Runs the tool; what it returns is the result (see {@link TypedTool#render}). */
    @Nullable Object call(@Nullable Object[] values) throws Exception;
  }

  private final ToolSpec spec;
  private final List<Argument> arguments;
  private final ObjectNode schema;
  private final List<JavaType> types;
  private final Body body;
  private final boolean returnsNothing;

  private TypedTool(String name, String description, List<Argument> arguments, Body body, boolean returnsNothing,
      String where) {
    if (name == null || name.isBlank()) {
      throw new TypedToolException(where + ": the tool's name is " + (name == null ? "null" : "blank"));
    }
    if (description == null) {
      throw new TypedToolException(where + ": the description is null; give one (it may be empty)");
    }
    this.arguments = List.copyOf(arguments);
    this.schema = objectSchema(this.arguments, where);
    this.spec = new ToolSpec(name, description, write(schema));
    List<JavaType> javaTypes = new ArrayList<>();
    for (Argument a : this.arguments) {
      javaTypes.add(MAPPER.getTypeFactory().constructType(a.type()));
    }
    this.types = List.copyOf(javaTypes);
    this.body = body;
    this.returnsNothing = returnsNothing;
  }

  @Override
  public ToolSpec spec() {
    return spec;
  }

  @Override
  public String invoke(ToolCall call) throws Exception {
    JsonNode args;
    try {
      args = MAPPER.readTree(call.argumentsJson());
    } catch (JsonProcessingException e) {
      return invalid("the arguments are not JSON: " + e.getOriginalMessage());
    }
    if (args == null || !args.isObject()) {
      return invalid("the arguments are not a JSON object");
    }
    String problem = check(args, schema, "");
    if (problem != null) {
      return invalid(problem);
    }
    @Nullable Object[] values = new Object[arguments.size()];
    for (int i = 0; i < values.length; i++) {
      Argument a = arguments.get(i);
      JsonNode node = args.get(a.name());
      if (node == null || node.isNull()) {
        values[i] = null;
        continue;
      }
      try {
        values[i] = MAPPER.convertValue(node, types.get(i));
      } catch (IllegalArgumentException e) {
        return invalid(bindingProblem(a.name(), node, e));
      }
    }
    Object result;
    try {
      result = body.call(values);
    } catch (BadArguments e) {
      return invalid(e.getMessage());
    }
    return render(result);
  }

  /** The result text: a {@code String} as it is, null or {@code void} a success text, anything else its JSON. */
  String render(@Nullable Object result) throws JsonProcessingException {
    if (returnsNothing || result == null) {
      return "Tool '" + spec.name() + "' ran successfully.";
    }
    if (result instanceof String s) {
      return s;
    }
    return MAPPER.writeValueAsString(result);
  }

  private String invalid(String problem) {
    return "Invalid arguments for tool '" + spec.name() + "': " + problem + ". Call '" + spec.name()
        + "' again with arguments that match its schema.";
  }

  @Override
  public String toString() {
    return "TypedTool[" + spec.name() + "]";
  }

  /** A record constructor refused the arguments: its message goes to the model. */
  private static final class BadArguments extends Exception {
    private static final long serialVersionUID = 1L;

    BadArguments(String message) {
      super(message);
    }
  }

  // ---- factories -------------------------------------------------------------------------------

  /** The tools of every public method of {@code target}'s class annotated {@link ToolFunction}, by name. */
  public static List<LoopTool> fromMethods(Object target) {
    if (target == null) {
      throw new TypedToolException("TypedTools.from: target is null; give the object whose @ToolFunction methods are the tools");
    }
    Class<?> type = target.getClass();
    List<Method> methods = new ArrayList<>();
    for (Method m : type.getMethods()) {
      if (m.isAnnotationPresent(ToolFunction.class)) {
        methods.add(m);
      }
    }
    if (methods.isEmpty()) {
      throw new TypedToolException("TypedTools.from(" + type.getName() + "): the class has no public method"
          + " annotated @ToolFunction");
    }
    methods.sort(Comparator.comparing(Method::getName));
    Map<String, Method> byName = new TreeMap<>();
    List<LoopTool> tools = new ArrayList<>();
    for (Method m : methods) {
      String where = "TypedTools.from: " + type.getName() + "." + m.getName();
      ToolFunction annotation = m.getAnnotation(ToolFunction.class);
      String name = annotation.name().isEmpty() ? m.getName() : annotation.name();
      Method other = byName.put(name, m);
      if (other != null) {
        throw new TypedToolException(where + ": a second tool named '" + name + "' (also " + other.getName()
            + "); give one of them another @ToolFunction(name = ...)");
      }
      List<Argument> args = new ArrayList<>();
      for (Parameter p : m.getParameters()) {
        args.add(argument(p, p.getParameterizedType(), p.isNamePresent() ? p.getName() : null,
            where + ", parameter " + p.getName()));
      }
      if (!Modifier.isPublic(type.getModifiers()) || !Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
        m.trySetAccessible();
      }
      boolean isStatic = Modifier.isStatic(m.getModifiers());
      tools.add(new TypedTool(name, annotation.description(), args, values -> {
        try {
          return m.invoke(isStatic ? null : target, values);
        } catch (InvocationTargetException e) {
          throw rethrowable(e.getCause());
        }
      }, m.getReturnType() == void.class, where));
    }
    return List.copyOf(tools);
  }

  /** A tool whose arguments are the components of {@code type}, bound to a record and handed to {@code handler}. */
  public static <R extends Record> LoopTool fromRecord(String name, String description, Class<R> type,
      RecordBody<R> handler, boolean returnsNothing) {
    String where = "TypedTools.of(" + name + ")";
    Constructor<R> constructor = canonical(type, where);
    List<Argument> args = recordArguments(type, where);
    return new TypedTool(name, description, args, values -> {
      R record;
      try {
        record = constructor.newInstance(values);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof IllegalArgumentException || e.getCause() instanceof NullPointerException) {
          String message = e.getCause().getMessage();
          throw new BadArguments(message == null ? e.getCause().getClass().getSimpleName() : message);
        }
        throw rethrowable(e.getCause());
      }
      return handler.handle(record);
    }, returnsNothing, where);
  }

  /** The body of a record tool. */
  @FunctionalInterface
  public interface RecordBody<R> {
    /** Runs the tool. */
    @Nullable Object handle(R arguments) throws Exception;
  }

  /** The JSON schema of a record type's components. */
  public static String recordSchema(Class<? extends Record> type) {
    String where = "TypedTools.schemaOf(" + (type == null ? "null" : type.getName()) + ")";
    canonical(type, where);
    return write(objectSchema(recordArguments(type, where), where));
  }

  private static <R extends Record> Constructor<R> canonical(Class<R> type, String where) {
    if (type == null || !type.isRecord()) {
      throw new TypedToolException(where + ": " + (type == null ? "the type is null" : type.getName()
          + " is not a record") + "; give the record class whose components are the arguments");
    }
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] parameterTypes = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      parameterTypes[i] = components[i].getType();
    }
    try {
      Constructor<R> c = type.getDeclaredConstructor(parameterTypes);
      c.trySetAccessible();
      return c;
    } catch (NoSuchMethodException e) {
      throw new TypedToolException(where + ": " + type.getName() + " has no canonical constructor");
    }
  }

  private static List<Argument> recordArguments(Class<?> type, String where) {
    List<Argument> args = new ArrayList<>();
    for (RecordComponent c : type.getRecordComponents()) {
      args.add(argument(c, c.getGenericType(), c.getName(), where + ", component " + c.getName()));
    }
    return args;
  }

  private static Argument argument(AnnotatedElement element, Type type, @Nullable String javaName, String where) {
    ToolParam param = element.getAnnotation(ToolParam.class);
    String name = param != null && !param.name().isEmpty() ? param.name() : javaName;
    if (name == null) {
      throw new TypedToolException(where + ": the class file keeps no parameter names; compile with -parameters"
          + " or name it with @ToolParam(name = ...)");
    }
    AnnotatedType annotated = element instanceof Parameter p ? p.getAnnotatedType()
        : element instanceof RecordComponent c ? c.getAnnotatedType() : null;
    boolean nullable = isNullable(element) || (annotated != null && isNullable(annotated));
    boolean required = (param == null || param.required()) && !nullable;
    if (!required && type instanceof Class<?> c && c.isPrimitive()) {
      throw new TypedToolException(where + ": an optional argument of the primitive type " + c.getName()
          + " cannot be left out; use its box type (" + box(c) + ")");
    }
    return new Argument(name, type, required, param == null ? "" : param.description());
  }

  private static boolean isNullable(AnnotatedElement element) {
    for (var a : element.getAnnotations()) {
      if (a.annotationType().getSimpleName().equals("Nullable")) {
        return true;
      }
    }
    return false;
  }

  private static String box(Class<?> primitive) {
    return java.lang.invoke.MethodType.methodType(primitive).wrap().returnType().getSimpleName();
  }

  private static Exception rethrowable(@Nullable Throwable cause) {
    if (cause instanceof Exception e) {
      return e;
    }
    if (cause instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(String.valueOf(cause));
  }

  // ---- schema ----------------------------------------------------------------------------------

  private static ObjectNode objectSchema(List<Argument> arguments, String where) {
    return objectSchema(arguments, where, 0);
  }

  private static ObjectNode objectSchema(List<Argument> arguments, String where, int depth) {
    ObjectNode schema = MAPPER.createObjectNode().put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    ArrayNode required = MAPPER.createArrayNode();
    Set<String> names = new LinkedHashSet<>();
    for (Argument a : arguments) {
      if (!names.add(a.name())) {
        throw new TypedToolException(where + ": two arguments named '" + a.name() + "'");
      }
      ObjectNode property = schemaOf(a.type(), where + ", argument " + a.name(), depth + 1);
      if (!a.description().isEmpty()) {
        property.put("description", a.description());
      }
      properties.set(a.name(), property);
      if (a.required()) {
        required.add(a.name());
      }
    }
    schema.set("required", required);
    schema.put("additionalProperties", false);
    return schema;
  }

  private static ObjectNode schemaOf(Type type, String where, int depth) {
    if (depth > MAX_DEPTH) {
      throw new TypedToolException(where + ": the types nest deeper than " + MAX_DEPTH + " levels (a record that"
          + " contains itself?)");
    }
    ObjectNode s = MAPPER.createObjectNode();
    if (type instanceof Class<?> c) {
      if (c == String.class || c == char.class || c == Character.class) {
        return s.put("type", "string");
      }
      if (c == boolean.class || c == Boolean.class) {
        return s.put("type", "boolean");
      }
      if (c == int.class || c == long.class || c == short.class || c == byte.class || c == Integer.class
          || c == Long.class || c == Short.class || c == Byte.class || c == BigInteger.class) {
        return s.put("type", "integer");
      }
      if (c == double.class || c == float.class || c == Double.class || c == Float.class || c == BigDecimal.class) {
        return s.put("type", "number");
      }
      if (c.isEnum()) {
        ArrayNode values = s.put("type", "string").putArray("enum");
        for (Object constant : c.getEnumConstants()) {
          values.add(((Enum<?>) constant).name());
        }
        return s;
      }
      if (JsonNode.class.isAssignableFrom(c)) {
        return s;
      }
      if (c.isArray()) {
        s.put("type", "array").set("items", schemaOf(c.getComponentType(), where, depth + 1));
        return s;
      }
      if (c.isRecord()) {
        return objectSchema(recordArguments(c, where), where, depth);
      }
    } else if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] parameters = p.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw) && parameters.length == 1) {
        s.put("type", "array").set("items", schemaOf(parameters[0], where, depth + 1));
        return s;
      }
      if (Map.class.isAssignableFrom(raw) && parameters.length == 2 && parameters[0] == String.class) {
        s.put("type", "object").set("additionalProperties", schemaOf(parameters[1], where, depth + 1));
        return s;
      }
    } else if (type instanceof GenericArrayType g) {
      s.put("type", "array").set("items", schemaOf(g.getGenericComponentType(), where, depth + 1));
      return s;
    }
    throw new TypedToolException(where + " has the type " + type.getTypeName() + ", which has no JSON schema here;"
        + " use a String, a number, a boolean, an enum, a record, an array, a List, a Map<String, V> or a JsonNode");
  }

  // ---- checking and binding ----------------------------------------------------------------------

  /** The first way {@code value} does not fit {@code schema}'s objects (fields, required ones), or null. */
  private static @Nullable String check(JsonNode value, JsonNode schema, String path) {
    String type = schema.path("type").asText("");
    if (type.equals("object") && schema.has("properties")) {
      if (!value.isObject()) {
        return at(path) + " must be an object, got " + describe(value);
      }
      JsonNode properties = schema.get("properties");
      for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!properties.has(field)) {
          List<String> known = new ArrayList<>();
          properties.fieldNames().forEachRemaining(known::add);
          return (path.isEmpty() ? "" : path + " ") + "has no field '" + field + "'; "
              + (known.isEmpty() ? "it takes none" : "its fields are " + String.join(", ", known));
        }
      }
      for (JsonNode r : schema.path("required")) {
        JsonNode v = value.get(r.asText());
        if (v == null || v.isNull()) {
          JsonNode property = properties.get(r.asText());
          String description = property.path("description").asText("");
          return join(path, r.asText()) + " is missing; it is required (" + kind(property)
              + (description.isEmpty() ? "" : ": " + description) + ")";
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isNull()) {
          String problem = check(e.getValue(), properties.get(e.getKey()), join(path, e.getKey()));
          if (problem != null) {
            return problem;
          }
        }
      }
    } else if (type.equals("array") && schema.has("items")) {
      if (!value.isArray()) {
        return at(path) + " must be an array, got " + describe(value);
      }
      for (int i = 0; i < value.size(); i++) {
        if (!value.get(i).isNull()) {
          String problem = check(value.get(i), schema.get("items"), path + "[" + i + "]");
          if (problem != null) {
            return problem;
          }
        }
      }
    } else if (type.equals("object") && schema.has("additionalProperties") && value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isNull()) {
          String problem = check(e.getValue(), schema.get("additionalProperties"), join(path, e.getKey()));
          if (problem != null) {
            return problem;
          }
        }
      }
    }
    return null;
  }

  /** What Jackson could not bind, said with the field's path and the value found. */
  private static String bindingProblem(String argument, JsonNode node, IllegalArgumentException e) {
    String path = argument;
    JsonNode found = node;
    String expected = null;
    if (e.getCause() instanceof JsonMappingException m) {
      for (JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          path = join(path, r.getFieldName());
          found = found.path(r.getFieldName());
        } else if (r.getIndex() >= 0) {
          path = path + "[" + r.getIndex() + "]";
          found = found.path(r.getIndex());
        }
      }
      if (m instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mi && mi.getTargetType() != null) {
        expected = expected(mi.getTargetType());
      }
    }
    return path + (expected == null ? " cannot be read" : " must be " + expected) + ", got " + describe(found);
  }

  private static String expected(Class<?> target) {
    if (target.isEnum()) {
      List<String> names = new ArrayList<>();
      for (Object c : target.getEnumConstants()) {
        names.add(((Enum<?>) c).name());
      }
      return "one of " + String.join(", ", names);
    }
    try {
      return kind(schemaOf(target, "", 0));
    } catch (TypedToolException e) {
      return "a " + target.getSimpleName();
    }
  }

  private static String kind(JsonNode schema) {
    if (schema.has("enum")) {
      List<String> names = new ArrayList<>();
      schema.get("enum").forEach(n -> names.add(n.asText()));
      return "one of " + String.join(", ", names);
    }
    return switch (schema.path("type").asText("")) {
      case "string" -> "a string";
      case "integer" -> "an integer";
      case "number" -> "a number";
      case "boolean" -> "true or false";
      case "array" -> "an array";
      case "object" -> "an object";
      default -> "any JSON value";
    };
  }

  private static String describe(JsonNode value) {
    String text = value.isMissingNode() ? "nothing" : value.toString();
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }

  private static String at(String path) {
    return path.isEmpty() ? "the arguments" : path;
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
