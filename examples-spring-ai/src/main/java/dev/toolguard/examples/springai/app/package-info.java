/** A Spring Boot app to copy: the toolguard advisor, chat memory on a JDBC store and an approval endpoint. */
@org.jspecify.annotations.NullMarked
package dev.toolguard.examples.springai.app;
