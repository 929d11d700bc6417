/** The implementation of the LangChain4j adapter; not an API. */
@NullMarked
package dev.toolguard.langchain4j.internal;

import org.jspecify.annotations.NullMarked;
