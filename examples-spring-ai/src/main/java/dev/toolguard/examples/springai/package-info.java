/**
 * The Spring AI way of the examples tour (every failure class, bare Spring AI versus guarded, against
 * the referee), and {@link dev.toolguard.examples.springai.ScaleOut}, which runs several instances of
 * the example app on one PostgreSQL and checks what they stored.
 */
@org.jspecify.annotations.NullMarked
package dev.toolguard.examples.springai;
