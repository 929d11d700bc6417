/** A copyable openai-java Responses app whose pending approval is stored in a JSON file and resumed by a second run. */
@org.jspecify.annotations.NullMarked
package dev.toolguard.examples.openai.app;
