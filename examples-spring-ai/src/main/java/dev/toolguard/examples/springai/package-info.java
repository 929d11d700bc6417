/** The Spring AI way of the examples tour: every failure class, bare Spring AI versus guarded, against the referee. */
@org.jspecify.annotations.NullMarked
package dev.toolguard.examples.springai;
