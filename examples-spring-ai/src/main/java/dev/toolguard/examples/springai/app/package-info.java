/**
 * A Spring Boot app to copy: the toolguard advisor, toolguard's JDBC conversation store and call
 * journal in the app's database, and an approval endpoint.
 */
@org.jspecify.annotations.NullMarked
package dev.toolguard.examples.springai.app;
