package dev.toolguard.json;

import static dev.toolguard.json.Bodies.assertRepair;
import static dev.toolguard.json.Bodies.json;
import static dev.toolguard.json.Bodies.violations;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;
import dev.toolguard.testkit.RefereeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenAI Responses rejects an input whose items repeat an item id ({@code Duplicate item found with
 * id …}) and a reasoning item followed by another reasoning item ({@code … was provided without its
 * required following item}). Found by the referee cross-check properties: a memory that stores an item
 * twice got a body that core found valid, or repaired into one the provider still refuses. Each case:
 * the referee refuses the body as it is, {@code check} reports it, and the repaired body is accepted.
 */
class ResponsesItemIdsTest {

  @RegisterExtension
  static final RefereeExtension REFEREE = RefereeExtension.shared();

  private static String refereeSays(String body) {
    RefereeVerdicts.Verdict v = RefereeVerdicts.post(REFEREE.get(), Dialect.OPENAI_RESPONSES, body);
    return v.status() == 200 ? "accepted" : v.body();
  }

  @Test
  void aMessageItemStoredTwiceKeepsItsTextAndTheCopyLosesTheId() throws Exception {
    String in = json("{'model':'m','input':["
        + "{'role':'user','content':'hi'},"
        + "{'type':'message','id':'msg_1','role':'assistant','content':[{'type':'output_text','text':'hello','annotations':[]}]},"
        + "{'role':'user','content':'again'},"
        + "{'type':'message','id':'msg_1','role':'assistant','content':[{'type':'output_text','text':'hello','annotations':[]}]},"
        + "{'role':'user','content':'and?'}]}");
    assertThat(refereeSays(in)).contains("Duplicate item found with id msg_1");
    assertThat(violations(Dialect.OPENAI_RESPONSES, in)).containsExactly("DUPLICATE_ITEM_ID input[3].id");

    WireRepair repair = assertRepair(Dialect.OPENAI_RESPONSES, in, json("{'model':'m','input':["
        + "{'role':'user','content':'hi'},"
        + "{'type':'message','id':'msg_1','role':'assistant','content':[{'type':'output_text','text':'hello','annotations':[]}]},"
        + "{'role':'user','content':'again'},"
        + "{'type':'message','role':'assistant','content':[{'type':'output_text','text':'hello','annotations':[]}]},"
        + "{'role':'user','content':'and?'}]}"),
        "DEDUPLICATE (no id) [- -> input[3]]");
    assertThat(refereeSays(repair.body())).isEqualTo("accepted");
  }

  @Test
  void aCallStoredTwiceIsDroppedAsTheCopyItIs() throws Exception {
    String call = "{'type':'function_call','id':'fc_1','call_id':'call_1','name':'get','arguments':'{}','status':'completed'}";
    String in = json("{'model':'m','input':[{'role':'user','content':'hi'}," + call
        + ",{'type':'function_call_output','call_id':'call_1','output':'ok'},{'role':'user','content':'more'}," + call
        + "]}");
    assertThat(refereeSays(in)).contains("Duplicate item found with id fc_1");
    assertThat(violations(Dialect.OPENAI_RESPONSES, in)).containsExactly("REPEATED_CALL input[4]",
        "DUPLICATE_ITEM_ID input[4].id");

    WireRepair repair = assertRepair(Dialect.OPENAI_RESPONSES, in, json("{'model':'m','input':[{'role':'user',"
        + "'content':'hi'}," + call + ",{'type':'function_call_output','call_id':'call_1','output':'ok'},"
        + "{'role':'user','content':'more'}]}"),
        "DEDUPLICATE call_1 [input[4] -> -]");
    assertThat(repair.actions().get(0).detail()).isEqualTo("removed call call_1 of tool 'get': an exact copy of the"
        + " call in message 1 (same id, tool and arguments); its results answer that call");
    assertThat(refereeSays(repair.body())).isEqualTo("accepted");
  }

  @Test
  void anotherCallWithTheSameCallIdIsRenamedAndACopiedItemIdGoes() throws Exception {
    String call = "{'type':'function_call','id':'fc_1','call_id':'call_1','name':'get','arguments':'{}','status':'completed'}";
    String in = json("{'model':'m','input':[{'role':'user','content':'hi'}," + call
        + ",{'type':'function_call_output','call_id':'call_1','output':'ok'},{'role':'user','content':'more'},"
        + call.replace("'{}'", "'{\\'n\\':2}'") + "]}");
    assertThat(refereeSays(in)).contains("Duplicate item found with id fc_1");
    assertThat(violations(Dialect.OPENAI_RESPONSES, in)).contains("DUPLICATE_ITEM_ID input[4].id");

    WireRepair repair = WireGuard.ofDefaults().repair(Dialect.OPENAI_RESPONSES, in);
    assertThat(repair.body()).containsOnlyOnce("\"id\":\"fc_1\"");
    assertThat(Bodies.report(repair)).contains("DEDUPLICATE call_1_2 [- -> input[4]]");
    assertThat(WireGuard.ofDefaults().check(Dialect.OPENAI_RESPONSES, repair.body())).isEmpty();
    assertThat(refereeSays(repair.body())).isEqualTo("accepted");
  }

  @Test
  void aReasoningItemStoredTwiceIsRemovedAndOneFollowedByAnotherToo() throws Exception {
    String in = json("{'model':'m','input':[{'role':'user','content':'hi'},"
        + "{'type':'reasoning','id':'rs_1','encrypted_content':'e','summary':[]},"
        + "{'type':'reasoning','id':'rs_2','encrypted_content':'e','summary':[]},"
        + "{'type':'function_call','id':'fc_1','call_id':'call_1','name':'get','arguments':'{}'},"
        + "{'type':'function_call_output','call_id':'call_1','output':'ok'},"
        + "{'role':'user','content':'more'},"
        + "{'type':'reasoning','id':'rs_2','encrypted_content':'e','summary':[]},"
        + "{'type':'function_call','id':'fc_2','call_id':'call_2','name':'get','arguments':'{}'},"
        + "{'type':'function_call_output','call_id':'call_2','output':'ok'}]}");
    assertThat(refereeSays(in)).contains("Duplicate item found with id rs_2");
    assertThat(refereeSays(in.replace("\"id\":\"rs_2\",\"encrypted_content\":\"e\",\"summary\":[]},{\"type\":\"function_call\",\"id\":\"fc_2\"",
        "\"id\":\"rs_3\",\"encrypted_content\":\"e\",\"summary\":[]},{\"type\":\"function_call\",\"id\":\"fc_2\"")))
        .contains("Item 'rs_1' of type 'reasoning' was provided without its required following item");
    assertThat(violations(Dialect.OPENAI_RESPONSES, in))
        .containsExactly("REASONING_WITHOUT_FOLLOWING_ITEM input[1]", "DUPLICATE_ITEM_ID input[6].id");

    WireRepair repair = assertRepair(Dialect.OPENAI_RESPONSES, in, json("{'model':'m','input':["
        + "{'role':'user','content':'hi'},"
        + "{'type':'reasoning','id':'rs_2','encrypted_content':'e','summary':[]},"
        + "{'type':'function_call','id':'fc_1','call_id':'call_1','name':'get','arguments':'{}'},"
        + "{'type':'function_call_output','call_id':'call_1','output':'ok'},"
        + "{'role':'user','content':'more'},"
        + "{'type':'function_call','call_id':'call_2','name':'get','arguments':'{}'},"
        + "{'type':'function_call_output','call_id':'call_2','output':'ok'}]}"),
        "DROP (no id) [- -> input[5]]", "DROP (no id) [- -> input[1]]", "DROP call_2 [- -> input[5]]");
    assertThat(repair.actions()).extracting(WireAction::detail).containsExactly(
        "removed reasoning item rs_2: a copy of an earlier item with the same id, and OpenAI rejects an item id given"
            + " twice",
        "removed reasoning item rs_1: another reasoning item follows it, not the call or message it belongs to, and"
            + " OpenAI rejects a reasoning item without its following item",
        // the copy of rs_2 was read directly before fc_2: gone, fc_2 goes as a new item
        "removed server id fc_2 from the function_call item: reasoning item rs_2, which was produced directly before"
            + " it, is not before it, and OpenAI rejects the item without it; without its id it goes as a new item");
    assertThat(refereeSays(repair.body())).isEqualTo("accepted");
  }

  /**
   * Found by {@code WirePropertiesTest} on a random seed: a body that continues a stored response keeps
   * an output whose call is not in the input (it may answer the stored response's call), but an output
   * whose call id is longer than 64 characters answers no call the service made; repair removed nothing
   * and the body stayed refused for its length.
   */
  @Test
  void anOverlongOutputForAStoredResponseIsRemovedNotKept() throws Exception {
    String longId = "call_1_" + "y".repeat(70);
    String in = json("{'model':'m','previous_response_id':'resp_1','input':["
        + "{'type':'function_call_output','call_id':'" + longId + "','output':'out'},"
        + "{'type':'function_call_output','call_id':'call_2','output':'kept'},"
        + "{'role':'user','content':'and?'}]}");
    assertThat(violations(Dialect.OPENAI_RESPONSES, in)).containsExactly("CALL_ID_TOO_LONG input[0].call_id");

    assertRepair(Dialect.OPENAI_RESPONSES, in, json("{'model':'m','previous_response_id':'resp_1','input':["
        + "{'type':'function_call_output','call_id':'call_2','output':'kept'},"
        + "{'role':'user','content':'and?'}]}"),
        "DROP " + longId + " [- -> -]");
  }
}
