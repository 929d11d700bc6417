package dev.toolguard.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * AWS event stream framing ({@code application/vnd.amazon.eventstream}), as Bedrock's streaming
 * operations answer: per message a 12-byte prelude (total length, headers length, CRC32 of those 8
 * bytes), the headers (name length, name, type 7 = string, value length, value), the payload, and the
 * CRC32 of everything before it; integers big-endian.
 */
public final class EventStream {

  private static final byte STRING = 7;

  private EventStream() {}

  /** An {@code event} message of type {@code eventType} with a JSON payload. */
  public static byte[] event(String eventType, String json) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(":event-type", eventType);
    headers.put(":content-type", "application/json");
    headers.put(":message-type", "event");
    return message(headers, json.getBytes(StandardCharsets.UTF_8));
  }

  /** One framed message with string headers. */
  public static byte[] message(Map<String, String> headers, byte[] payload) {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    for (Map.Entry<String, String> e : headers.entrySet()) {
      byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] value = e.getValue().getBytes(StandardCharsets.UTF_8);
      h.write(name.length);
      h.writeBytes(name);
      h.write(STRING);
      h.write((value.length >>> 8) & 0xff);
      h.write(value.length & 0xff);
      h.writeBytes(value);
    }
    byte[] headerBytes = h.toByteArray();
    int total = 12 + headerBytes.length + payload.length + 4;
    ByteBuffer out = ByteBuffer.allocate(total);
    out.putInt(total);
    out.putInt(headerBytes.length);
    out.putInt((int) crc(out.array(), 0, 8));
    out.put(headerBytes);
    out.put(payload);
    out.putInt((int) crc(out.array(), 0, total - 4));
    return out.array();
  }

  /** CRC32 of a range of bytes. */
  static long crc(byte[] bytes, int offset, int length) {
    CRC32 crc = new CRC32();
    crc.update(bytes, offset, length);
    return crc.getValue();
  }
}
