/**
 * Typed tools for the framework-free loop: a {@link dev.toolguard.core.loop.LoopTool} from an annotated
 * Java method ({@link dev.toolguard.json.tools.ToolFunction}) or from a record type, with the arguments
 * bound by Jackson and the JSON schema generated from the Java types ({@link dev.toolguard.json.tools.TypedTools}).
 */
@NullMarked
package dev.toolguard.json.tools;

import org.jspecify.annotations.NullMarked;
