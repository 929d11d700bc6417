package dev.toolguard.json;

import static dev.toolguard.json.Bodies.assertSameJson;
import static dev.toolguard.json.Bodies.assertValid;
import static dev.toolguard.json.Bodies.json;
import static dev.toolguard.json.Bodies.report;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.core.Content;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.testkit.RefereeExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenAI Responses: a reasoning item and the item with a server id read directly after it were
 * produced together, and the service refuses either without the other. Check flags a history that
 * no longer holds them together; repair removes the reasoning item that lost its item and sends the
 * item that lost its reasoning item without its server id. The referee, which knows the items as
 * produced, refuses the history as it is and accepts the repaired one.
 */
class ResponsesReasoningPairsTest {

  private static final Dialect D = Dialect.OPENAI_RESPONSES;
  private static final WireGuard GUARD = WireGuard.ofDefaults();
  @RegisterExtension
  static final RefereeExtension REFEREE = RefereeExtension.resetBeforeEach();

  private static String refereeSays(String body) {
    return RefereeVerdicts.post(REFEREE.get(), Dialect.OPENAI_RESPONSES, body).acceptedOrError();
  }

  private static final String USER = "{'role':'user','content':'refund order 7 and 8'}";
  private static final String RS = "{'type':'reasoning','id':'rs_1','summary':[],'encrypted_content':'e'}";
  private static final String FC1 = "{'type':'function_call','id':'fc_1','call_id':'call_1','name':'refund',"
      + "'arguments':'{}'}";
  private static final String FC1_WITHOUT_ID = "{'type':'function_call','call_id':'call_1','name':'refund',"
      + "'arguments':'{}'}";
  private static final String FC2 = "{'type':'function_call','id':'fc_2','call_id':'call_2','name':'refund',"
      + "'arguments':'{}'}";
  private static final String OUT1 = "{'type':'function_call_output','call_id':'call_1','output':'done'}";
  private static final String OUT2 = "{'type':'function_call_output','call_id':'call_2','output':'done'}";
  private static final String MSG = "{'type':'message','id':'msg_1','role':'assistant','content':"
      + "[{'type':'output_text','text':'Refunded.'}]}";

  private static String body(String... items) {
    return json("{'model':'o4-mini','input':[" + String.join(",", items) + "]}");
  }

  private static void produced(String... items) {
    List<JsonNode> output = new ArrayList<>();
    for (String item : items) {
      output.add(dev.toolguard.json.internal.Json.parse(json(item)));
    }
    REFEREE.get().responses().produced(output);
  }

  /** {@code body} read, without the contents that {@code gone} picks. */
  private static WireRequest without(String body, Predicate<Content> gone) {
    WireRequest read = WireCodec.of(D).read(body);
    List<Message> history = new ArrayList<>();
    for (Message m : read.history()) {
      List<Content> kept = new ArrayList<>(m.contents());
      kept.removeIf(gone);
      if (!kept.isEmpty()) {
        history.add(m.withContents(kept));
      }
    }
    return read.withHistory(history);
  }

  private static boolean isReasoning(Content c) {
    return c instanceof Opaque && ((Opaque) c).kind().equals("reasoning");
  }

  private static boolean isOf(Content c, String callId) {
    return (c instanceof ToolCall && ((ToolCall) c).callId().equals(callId))
        || (c instanceof ToolResult && ((ToolResult) c).callId().equals(callId));
  }

  @Test
  void aPairReadTogetherIsValidAndComesBackAsItWas() throws Exception {
    String in = body(USER, RS, FC1, FC2, OUT1, OUT2, RS.replace("rs_1", "rs_2"), MSG);
    assertValid(D, in);
    produced(RS, FC1, FC2);
    produced(RS.replace("rs_1", "rs_2"), MSG);
    assertThat(refereeSays(in)).isEqualTo("accepted");
  }

  @Test
  void anItemWhoseReasoningItemIsGoneIsFlaggedAndGoesWithoutItsServerId() throws Exception {
    produced(RS, FC1, FC2);
    WireRequest edited = without(body(USER, RS, FC1, FC2, OUT1, OUT2), DialectLimitsHolder::isReasoningContent);
    String sent = WireCodec.of(D).write(edited);
    String provider = "Item 'fc_1' of type 'function_call' was provided without its required 'reasoning' item: 'rs_1'.";
    assertThat(refereeSays(sent)).isEqualTo(provider);

    List<WireViolation> flagged = GUARD.check(edited);
    assertThat(flagged).extracting(v -> v.code() + " " + v.path()).containsExactly("ITEM_WITHOUT_REASONING input[1].id");
    assertThat(flagged.get(0).providerError()).isEqualTo(provider);
    assertThat(flagged.get(0).callId()).isEqualTo("call_1");

    WireRepair repair = GUARD.repair(edited);
    assertSameJson(repair.body(), body(USER, FC1_WITHOUT_ID, FC2, OUT1, OUT2));
    assertThat(report(repair)).containsExactly("DROP call_1 [- -> input[1]]");
    assertThat(repair.actions().get(0).detail()).isEqualTo("removed server id fc_1 from the function_call item:"
        + " reasoning item rs_1, which was produced directly before it, is not before it, and OpenAI rejects the item"
        + " without it; without its id it goes as a new item");
    assertThat(GUARD.check(D, repair.body())).isEmpty();
    assertThat(refereeSays(repair.body())).isEqualTo("accepted");
  }

  @Test
  void aReasoningItemWhoseItemIsGoneIsFlaggedAndRemoved() throws Exception {
    produced(RS, FC1, FC2);
    WireRequest edited = without(body(USER, RS, FC1, FC2, OUT1, OUT2), c -> isOf(c, "call_1"));
    String sent = WireCodec.of(D).write(edited);
    String provider = "Item 'rs_1' of type 'reasoning' was provided without its required following item.";
    assertThat(refereeSays(sent)).isEqualTo(provider);

    List<WireViolation> flagged = GUARD.check(edited);
    assertThat(flagged).extracting(v -> v.code() + " " + v.path())
        .containsExactly("REASONING_WITHOUT_FOLLOWING_ITEM input[1]");
    assertThat(flagged.get(0).providerError()).isEqualTo(provider);
    assertThat(flagged.get(0).detail()).isEqualTo("reasoning item rs_1 is followed by item fc_2, not by item fc_1"
        + " that it was produced with");

    WireRepair repair = GUARD.repair(edited);
    assertSameJson(repair.body(), body(USER, FC2, OUT2));
    assertThat(report(repair)).containsExactly("DROP (no id) [- -> input[1]]");
    assertThat(repair.actions().get(0).detail()).isEqualTo("removed reasoning item rs_1: item fc_1, which it was"
        + " produced with, no longer follows it (fc_2 does), and OpenAI rejects a reasoning item without its following"
        + " item");
    assertThat(refereeSays(repair.body())).isEqualTo("accepted");
  }

  @Test
  void aReasoningItemWhoseItemIsGoneIsRemovedNotMovedBeforeAnotherItem() throws Exception {
    // the call after the reasoning item was lost from the body: the reasoning item ends its turn
    String in = body(USER, RS, "{'role':'user','content':'and?'}", FC2, OUT2);
    produced(RS, FC1);
    produced(FC2);
    WireRepair repair = GUARD.repair(D, in);
    assertSameJson(repair.body(), body(USER, "{'role':'user','content':'and?'}", FC2, OUT2));
    assertThat(report(repair)).containsExactly("DROP (no id) [- -> -]");
    assertThat(refereeSays(repair.body())).isEqualTo("accepted");
    // moved before fc_2, the reasoning item would be refused
    assertThat(refereeSays(body(USER, "{'role':'user','content':'and?'}", RS, FC2, OUT2)))
        .isEqualTo("Item 'rs_1' of type 'reasoning' was provided without its required following item.");
  }

  @Test
  void aMessageWhoseReasoningItemIsGoneGoesWithoutItsServerId() throws Exception {
    produced(RS, MSG);
    WireRequest edited = without(body(USER, RS, MSG, "{'role':'user','content':'thanks'}"),
        DialectLimitsHolder::isReasoningContent);
    assertThat(refereeSays(WireCodec.of(D).write(edited)))
        .isEqualTo("Item 'msg_1' of type 'message' was provided without its required 'reasoning' item: 'rs_1'.");
    assertThat(GUARD.check(edited)).extracting(WireViolation::providerError)
        .containsExactly("Item 'msg_1' of type 'message' was provided without its required 'reasoning' item: 'rs_1'.");
    WireRepair repair = GUARD.repair(edited);
    assertSameJson(repair.body(), body(USER, "{'type':'message','role':'assistant','content':"
        + "[{'type':'output_text','text':'Refunded.'}]}", "{'role':'user','content':'thanks'}"));
    assertThat(refereeSays(repair.body())).isEqualTo("accepted");
  }

  @Test
  void anItemIdOfAnotherKindIsFlaggedInTheProvidersWordsAndDropped() throws Exception {
    String in = body(USER, FC1.replace("fc_1", "item_1"), OUT1);
    String provider = "Invalid 'input[1].id': 'item_1'. Expected an ID that begins with 'fc'.";
    assertThat(refereeSays(in)).isEqualTo(provider);
    assertThat(GUARD.check(D, in)).extracting(v -> v.code() + " " + v.path() + ": " + v.providerError())
        .containsExactly("ITEM_ID_PREFIX input[1].id: " + provider);
    WireRepair repair = GUARD.repair(D, in);
    assertSameJson(repair.body(), body(USER, FC1_WITHOUT_ID, OUT1));
    assertThat(report(repair)).containsExactly("DROP call_1 [- -> input[1]]");
    assertThat(repair.actions().get(0).detail()).isEqualTo("removed item id item_1 from the function_call item: it"
        + " does not begin with fc, and OpenAI rejects it; without its id it goes as a new item");
    assertThat(refereeSays(repair.body())).isEqualTo("accepted");
  }

  @Test
  void aReasoningItemWithAnIdOfAnotherKindIsRemovedAndItsItemGoesWithoutItsId() throws Exception {
    String in = body(USER, RS.replace("rs_1", "msg_9"), FC1, OUT1);
    String provider = "Invalid 'input[1].id': 'msg_9'. Expected an ID that begins with 'rs'.";
    assertThat(refereeSays(in)).isEqualTo(provider);
    assertThat(GUARD.check(D, in)).extracting(WireViolation::providerError).containsExactly(provider);
    WireRepair repair = GUARD.repair(D, in);
    assertSameJson(repair.body(), body(USER, FC1_WITHOUT_ID, OUT1));
    assertThat(report(repair)).containsExactly("DROP (no id) [- -> input[1]]", "DROP call_1 [- -> input[1]]");
    assertThat(refereeSays(repair.body())).isEqualTo("accepted");
  }

  @Test
  void repairWritesNoIdOfAnotherKind() throws Exception {
    // a call id reused by another call is renamed: the item ids stay as they were; a made-up result has no id
    String in = body(USER, RS, FC1, OUT1, "{'role':'user','content':'again'}", FC2.replace("call_2", "call_1"),
        OUT1.replace("done", "again"), MSG.replace("msg_1", "msg_2"), "{'role':'user','content':'and 8?'}",
        FC2.replace("fc_2", "fc_3"));
    WireRepair repair = GUARD.repair(D, in);
    JsonNode input = dev.toolguard.json.internal.Json.parse(repair.body()).get("input");
    for (JsonNode item : input) {
      String type = item.path("type").asText("message");
      if (item.has("id")) {
        assertThat(item.get("id").asText()).as(item.toString())
            .startsWith(type.equals("reasoning") ? "rs_" : type.equals("function_call") ? "fc_" : "msg_");
      }
      if (type.equals("function_call_output")) {
        assertThat(item.has("id")).as(item.toString()).isFalse();
      }
    }
    assertThat(report(repair)).anySatisfy(line -> assertThat(line).startsWith("RENAME call_1 -> "))
        .anySatisfy(line -> assertThat(line).startsWith("SYNTHESIZE call_2"));
    assertThat(refereeSays(repair.body())).isEqualTo("accepted");
  }

  /** Named predicates. */
  static final class DialectLimitsHolder {
    static boolean isReasoningContent(Content c) {
      return isReasoning(c);
    }
  }
}
