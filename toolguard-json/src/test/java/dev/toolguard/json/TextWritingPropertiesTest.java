package dev.toolguard.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.json.internal.Json;
import dev.toolguard.testkit.properties.PropertyBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.PropagationMode;

/**
 * Writing a body as text (which leaves the templates uncopied and applies the edits as it
 * serializes) gives exactly the text of the tree that {@link WireCodec#writeTree} hands out: for
 * bodies as read, corrupted, repaired, and for histories edited by hand.
 */
@AddLifecycleHook(value = PropertyBudget.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class TextWritingPropertiesTest {

  private static final WireGuard GUARD = WireGuard.ofDefaults();

  /** The dialects whose bodies {@link Conversations} makes (Mistral and Ollama: ChatLikeCodecsProperties). */
  @Provide
  Arbitrary<Dialect> dialects() {
    return net.jqwik.api.Arbitraries.of(Dialect.OPENAI_CHAT, Dialect.OPENAI_RESPONSES, Dialect.ANTHROPIC);
  }

  @Provide
  Arbitrary<Choices> choices() {
    return Choices.arbitrary();
  }

  @Property(tries = 300)
  void textIsTheTreeWritten(@ForAll("dialects") Dialect dialect, @ForAll("choices") Choices choices) {
    Conversations conversations = new Conversations(dialect, choices);
    WireCodec codec = WireCodec.of(dialect);
    String valid = Json.write(conversations.valid());
    String corrupt = Json.write(conversations.corrupt(conversations.valid()));
    for (String body : List.of(valid, corrupt)) {
      WireRequest read = codec.read(body);
      assertSame(codec, read, body);
      assertSame(codec, GUARD.repair(dialect, body).request(), body);
      assertSame(codec, read.withHistory(edited(read.history(), choices.salt())), body);
    }
  }

  private static void assertSame(WireCodec codec, WireRequest request, String context) {
    String tree = Json.write(codec.writeTree(request));
    assertThat(codec.write(request)).as(context).isEqualTo(tree);
    // writing as text leaves the request as it was
    assertThat(Json.write(codec.writeTree(request))).as(context).isEqualTo(tree);
  }

  /** The history with its texts, call ids, arguments and outputs changed, and a turn added. */
  private static List<Message> edited(List<Message> history, long seed) {
    List<Message> out = new ArrayList<>(history.size() + 2);
    int n = 0;
    for (Message m : history) {
      List<dev.toolguard.core.Content> contents = new ArrayList<>();
      for (dev.toolguard.core.Content c : m.contents()) {
        n++;
        if ((n + seed) % 3 != 0) {
          contents.add(c);
        } else if (c instanceof Text) {
          contents.add(new Text(((Text) c).text() + " (edited)", c.metadata()));
        } else if (c instanceof ToolCall) {
          ToolCall call = (ToolCall) c;
          contents.add(new ToolCall(call.callId() + "_x", call.name(), "{\"edited\":" + n + "}", call.informational(),
              call.metadata()));
        } else if (c instanceof ToolResult) {
          ToolResult r = (ToolResult) c;
          contents.add(new ToolResult(r.callId() + "_x", r.name(), r.output() + " (edited)", !r.error(),
              r.metadata()));
        } else {
          contents.add(c);
        }
      }
      out.add(new Message(m.role(), contents, m.metadata()));
    }
    out.add(Message.user("one more question"));
    out.add(new Message(Role.ASSISTANT, List.of(Text.of("an answer"), ToolCall.of("call_new", "tool", "{}")), Map.of()));
    out.add(Message.tool(ToolResult.of("call_new", "tool", "done")));
    return out;
  }
}
