/** The openai-java way of the examples tour: every failure class, bare openai-java client vs guarded, against the referee. */
@org.jspecify.annotations.NullMarked
package dev.toolguard.examples.openai;
