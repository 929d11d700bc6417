/** The {@code toolguard} command line: {@code check} and {@code repair} for request bodies. */
@NullMarked
package dev.toolguard.json.cli;

import org.jspecify.annotations.NullMarked;
