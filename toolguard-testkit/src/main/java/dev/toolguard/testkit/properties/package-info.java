/**
 * A jqwik hook that gives property tests a budget of tries and a time box that can never silently cut
 * a property below its stated minimum of tries.
 */
@NullMarked
package dev.toolguard.testkit.properties;

import org.jspecify.annotations.NullMarked;
