/** Spring Boot auto-configuration of toolguard for Spring AI ({@code toolguard.*} properties). */
@NullMarked
package dev.toolguard.springai.autoconfigure;

import org.jspecify.annotations.NullMarked;
