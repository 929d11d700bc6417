/**
 * Serves toolguard-hosting's Responses endpoint from a Spring MVC application, auto-configured by
 * {@code toolguard.hosting.*} properties.
 */
@NullMarked
package dev.toolguard.hosting.spring;

import org.jspecify.annotations.NullMarked;
