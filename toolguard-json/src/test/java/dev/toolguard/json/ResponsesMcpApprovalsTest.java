package dev.toolguard.json;

import static dev.toolguard.json.Bodies.assertRepair;
import static dev.toolguard.json.Bodies.assertValid;
import static dev.toolguard.json.Bodies.json;
import static dev.toolguard.json.Bodies.violations;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;
import dev.toolguard.testkit.RefereeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenAI Responses MCP approvals: an {@code mcp_approval_response} must answer an {@code
 * mcp_approval_request} before it. In a body that holds the whole conversation (no {@code
 * previous_response_id}), check flags one that answers none and repair drops it; the referee refuses
 * the body as it is and accepts the repaired one.
 */
class ResponsesMcpApprovalsTest {

  @RegisterExtension
  static final RefereeExtension REFEREE = RefereeExtension.shared();

  private static String refereeSays(String body) {
    return RefereeVerdicts.post(REFEREE.get(), Dialect.OPENAI_RESPONSES, body).acceptedOrError();
  }

  private static final String REQUEST = "{'type':'mcp_approval_request','id':'mcpr_1','name':'deploy',"
      + "'server_label':'ops','arguments':'{}'}";

  private static String response(String requestId) {
    return "{'type':'mcp_approval_response','approval_request_id':'" + requestId + "','approve':true}";
  }

  private static String body(String... items) {
    return json("{'model':'o4-mini','input':[{'role':'user','content':'deploy it'}," + String.join(",", items) + "]}");
  }

  @Test
  void anApprovalResponseToARequestBeforeItIsValid() throws Exception {
    String in = body(REQUEST, response("mcpr_1"));
    assertValid(Dialect.OPENAI_RESPONSES, in);
    assertThat(refereeSays(in)).isEqualTo("accepted");
  }

  @Test
  void anApprovalResponseThatAnswersNoRequestIsFlaggedAndDropped() throws Exception {
    String in = body(REQUEST, response("mcpr_1"), "{'role':'user','content':'and again'}", response("mcpr_gone"));
    assertThat(refereeSays(in))
        .isEqualTo("No MCP approval request found with id mcpr_gone for the mcp_approval_response.");
    assertThat(violations(Dialect.OPENAI_RESPONSES, in)).containsExactly("UNMATCHED_MCP_APPROVAL input[4].approval_request_id");
    assertThat(WireGuard.ofDefaults().check(Dialect.OPENAI_RESPONSES, in).get(0).providerError())
        .isEqualTo("No MCP approval request found with id mcpr_gone for the mcp_approval_response.");

    WireRepair repair = assertRepair(Dialect.OPENAI_RESPONSES, in,
        body(REQUEST, response("mcpr_1"), "{'role':'user','content':'and again'}"), "DROP (no id) [- -> -]");
    assertThat(repair.actions().get(0).detail()).isEqualTo("removed an MCP approval response for mcpr_gone: it"
        + " answers no mcp_approval_request before it, and OpenAI refuses it");
    assertThat(refereeSays(repair.body())).isEqualTo("accepted");
  }

  @Test
  void anApprovalResponseBeforeItsRequestAnswersNothing() throws Exception {
    String in = body(response("mcpr_1"), REQUEST);
    assertThat(refereeSays(in)).startsWith("No MCP approval request found with id mcpr_1");
    assertThat(violations(Dialect.OPENAI_RESPONSES, in)).containsExactly("UNMATCHED_MCP_APPROVAL input[1].approval_request_id");
  }

  @Test
  void aBodyThatContinuesAStoredResponseMayAnswerARequestStoredThere() {
    String in = json("{'model':'o4-mini','previous_response_id':'resp_1','input':[" + response("mcpr_1") + "]}");
    assertValid(Dialect.OPENAI_RESPONSES, in);
  }
}
