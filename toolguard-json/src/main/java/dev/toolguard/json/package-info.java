/**
 * Lossless JSON codecs for whole provider request bodies, the dialects' own limits, and a native
 * JSON form of core histories: {@link dev.toolguard.json.WireCodec}, {@link dev.toolguard.json.WireGuard},
 * {@link dev.toolguard.json.HistoryJson}.
 */
@NullMarked
package dev.toolguard.json;

import org.jspecify.annotations.NullMarked;
