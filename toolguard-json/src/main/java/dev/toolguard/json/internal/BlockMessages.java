package dev.toolguard.json.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.json.WireFormatException;
import dev.toolguard.json.WireMetadata;
import dev.toolguard.json.WireRequest;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The write path of the codecs whose wire messages hold an array of blocks and whose consecutive
 * messages of one role may be one wire message (Bedrock Converse: {@code messages[].content}; Gemini:
 * {@code contents[].parts}): system messages belong in the envelope, messages that hold nothing written
 * are skipped, a message joins the wire message before it where the dialect says so, and a wire message
 * whose blocks are all their templates, as many as were read, is written as it was read.
 */
final class BlockMessages {

  /** What differs between the dialects. */
  interface Shape {
    /** The wire role of {@code m} (never SYSTEM). */
    String role(Message m);

    /**
     * Whether {@code m}, of wire role {@code role}, joins the wire message {@code last} (of the history
     * message before it, whose role was {@code lastRole}).
     */
    boolean joins(Message m, String role, Wire last, @Nullable Role lastRole);

    /** Whether {@code last} stays as read when {@code m} (with template {@code template}) joins it. */
    boolean joinKeepsAsRead(Message m, @Nullable ObjectNode template);

    /** The block of content {@code k} of message {@code i}; {@code template} itself when it is unchanged. */
    JsonNode block(Content c, @Nullable ObjectNode template, int i, int k, boolean share);

    /** Why a SYSTEM message cannot be written into the history field, and where its text goes. */
    String systemMessageError();
  }

  /** One wire message being written: its template, role and blocks. */
  static final class Wire {
    final @Nullable ObjectNode template;
    final String role;
    final int index;
    final ArrayNode blocks = Json.array(4);
    /** True while every block written is its template, unchanged. */
    boolean asRead = true;

    Wire(@Nullable ObjectNode template, String role, int index) {
      this.template = template;
      this.role = role;
      this.index = index;
    }
  }

  private BlockMessages() {}

  /** Encodes {@code request}'s history into {@code historyField}, each wire message's blocks in {@code blocksField}. */
  static Encoded encode(WireRequest request, boolean forText, String historyField, String blocksField, Shape shape) {
    List<Message> history = request.history();
    Encoded encoded = new Encoded(historyField, history, !forText);
    List<Wire> wires = new ArrayList<>(history.size());
    Role lastRole = null;
    String blocksPath = "." + blocksField;
    for (int i = 0; i < history.size(); i++) {
      Message m = history.get(i);
      if (m.role() == Role.SYSTEM) {
        throw new WireFormatException(shape.systemMessageError(), "history[" + i + "]");
      }
      List<Content> contents = m.contents();
      boolean anyWritten = contents.isEmpty();
      for (Content c : contents) {
        anyWritten |= !Contents.informational(c);
      }
      Wire last = wires.isEmpty() ? null : wires.get(wires.size() - 1);
      if (!anyWritten) {
        encoded.start(i, last == null ? 0 : last.index + 1);
        continue; // nothing but approvals and informational calls: never sent
      }
      String role = shape.role(m);
      ObjectNode template = Json.template(m.metadata(), WireMetadata.NODE);
      Wire wire;
      if (last != null && shape.joins(m, role, last, lastRole)) {
        wire = last;
        wire.asRead &= shape.joinKeepsAsRead(m, template);
      } else {
        wire = new Wire(template, role, wires.size());
        wires.add(wire);
      }
      lastRole = m.role();
      encoded.start(i, wire.index);
      for (int k = 0; k < contents.size(); k++) {
        Content c = contents.get(k);
        if (Contents.informational(c)) {
          continue;
        }
        encoded.content(i, k, wire.index, blocksPath, wire.blocks.size());
        ObjectNode blockTemplate = Json.template(c.metadata(), WireMetadata.NODE);
        JsonNode block = shape.block(c, blockTemplate, i, k, forText);
        wire.asRead &= block == blockTemplate;
        wire.blocks.add(block);
      }
    }
    ArrayNode out = Json.array(wires.size());
    for (Wire w : wires) {
      JsonNode read = w.template == null ? null : w.template.get(blocksField);
      // as read: every block its template, as many as were read (none, when the field was left out or null)
      boolean sameCount = read == null || read.isNull() ? w.blocks.isEmpty()
          : read.isArray() && read.size() == w.blocks.size();
      if (forText && w.asRead && w.template != null && sameCount) {
        out.add(w.template); // as read
        continue;
      }
      Patch p = Patch.of(w.template, forText, blocksField);
      if (w.template == null) {
        p.put("role", w.role);
      }
      p.set(blocksField, w.blocks);
      out.add(p.node());
    }
    ObjectNode body = request.envelope();
    body.set(historyField, out);
    encoded.body(body);
    return encoded;
  }
}
