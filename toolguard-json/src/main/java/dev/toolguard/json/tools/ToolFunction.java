package dev.toolguard.json.tools;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public method as a tool of the framework-free loop ({@link TypedTools#from(Object)}): its
 * parameters are the tool's arguments (a JSON schema generated from their types), its return value the
 * result (a {@code String} as it is, {@code void} or null a success text, anything else as JSON).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ToolFunction {

  /** The tool's name; empty (the default) for the method's name. */
  String name() default "";

  /** What the tool does, for the model. */
  String description();
}
