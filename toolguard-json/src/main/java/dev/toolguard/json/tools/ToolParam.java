package dev.toolguard.json.tools;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes an argument of a typed tool: a parameter of a {@link ToolFunction} method or a component
 * of a record. Without it an argument is required, named after the parameter (compile with {@code
 * -parameters}) or the component, and has no description.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.FIELD})
public @interface ToolParam {

  /** The argument's name; empty (the default) for the parameter's or the component's name. */
  String name() default "";

  /** What the argument is, for the model; empty for none. */
  String description() default "";

  /** False when the model may leave the argument out (it is then null); a type annotated {@code @Nullable} is optional too. */
  boolean required() default true;
}
