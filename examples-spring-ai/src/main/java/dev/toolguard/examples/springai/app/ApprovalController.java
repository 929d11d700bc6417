package dev.toolguard.examples.springai.app;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.conversation.ConversationConflictException;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.CallInProgressException;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.ToolguardException;
import dev.toolguard.springai.ToolGuardAdvisor;
import dev.toolguard.springai.ToolGuardSpringAi;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The HTTP side: {@code POST /chat} talks, {@code GET /approvals?conversationId=…} lists the calls
 * that wait in a conversation, and {@code POST /approvals/{callId}} approves or rejects one in the
 * conversation its body names and lets the conversation go on.
 *
 * <p>Waiting calls are read from toolguard's {@link ConversationStore}, the one the advisor keeps the
 * conversations in. Call ids repeat across conversations (models number them {@code call_0}, …), so an
 * approval always names its conversation. There is no lock here: instances that share the database
 * may serve the same conversation at once. The store's versions keep two writes of a conversation from
 * overwriting each other ({@link ConversationConflictException}) and the call journal keeps an approved
 * call from running twice ({@link CallInProgressException} while another instance runs it); both, like
 * a refused answer ({@link ApprovalException}), are HTTP 409 with a JSON {@code error}: load the
 * conversation again and decide on what it holds now.
 */
/**
 * The HTTP side: {@code POST /chat} talks, {@code GET /approvals} lists the calls that wait, and
 * {@code POST /approvals/{callId}} approves or rejects one and lets the conversation go on.
 */
@RestController
public class ApprovalController {

  private final ChatClient chat;
  private final ConversationStore conversations;

  /** The controller over the app's chat client and toolguard's conversation store. */
  public ApprovalController(ChatClient chat, ConversationStore conversations) {
    this.chat = chat;
    this.conversations = conversations;
  }

  /**
   * A user message.
   *
   * @param conversationId the conversation, or null to start one
   * @param message what the user says
   */
  public record ChatRequest(@Nullable String conversationId, String message) {}

  /**
   * The answer to a waiting call.
   *
   * @param conversationId its conversation (required: call ids repeat across conversations)
   * @param approved whether the call may run
   * @param reason why not (told to the model), or null
   * @param message what the user says with it, or null
   */
  public record Decision(@Nullable String conversationId, boolean approved, @Nullable String reason,
      @Nullable String message) {}

  /**
   * A call that waits for approval.
   *
   * @param conversationId its conversation
   * @param callId the call's id
   * @param tool the tool
   * @param arguments its arguments as JSON
   */
  public record PendingCall(String conversationId, String callId, String tool, String arguments) {}

  /**
   * What a turn ended with.
   *
   * @param conversationId the conversation
   * @param status {@code COMPLETED}, or {@code AWAITING} when calls wait for approval, or a limit
   * @param answer the model's last text
   * @param pending the calls that wait
   */
  public record ChatReply(String conversationId, String status, String answer, List<PendingCall> pending) {}

  /** Talks; a call that needs approval comes back in {@code pending}. */
  @PostMapping("/chat")
  public ChatReply chat(@RequestBody ChatRequest request) {
    if (request.message() == null || request.message().isBlank()) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "message must not be empty");
    }
    String conversationId = request.conversationId() == null || request.conversationId().isBlank()
        ? UUID.randomUUID().toString() : request.conversationId();
    ChatClientResponse response = chat.prompt()
        .user(request.message())
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, conversationId))
        .call().chatClientResponse();
    return reply(conversationId, response);
  }

  /** The calls that wait in a conversation, as stored now. */
  @GetMapping("/approvals")
  public List<PendingCall> approvals(@RequestParam String conversationId) {
    return pendingCalls(conversationId, waiting(requireConversationId(conversationId)));
  }

  /** Approves or rejects a waiting call of a conversation; the tool runs (or not) and the model answers. */
  @PostMapping("/approvals/{callId}")
  public ChatReply decide(@PathVariable String callId, @RequestBody Decision decision) {
    String conversationId = requireConversationId(decision.conversationId());
    ApprovalRequest request = waiting(conversationId).stream()
        .filter(r -> r.callId().equals(callId)).findFirst()
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
            "no call " + callId + " waits in conversation " + conversationId));
    ApprovalResponse answer = decision.approved()
        ? ApprovalResponse.approve(request)
        : ApprovalResponse.reject(request, decision.reason() == null ? "rejected by the user" : decision.reason());
    ChatClient.ChatClientRequestSpec spec = chat.prompt();
    if (decision.message() != null && !decision.message().isBlank()) {
      spec = spec.user(decision.message());
    }
    ChatClientResponse response = spec
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, conversationId))
        .advisors(ToolGuardSpringAi.approvals(answer))
        .call().chatClientResponse();
    return reply(conversationId, response);
  }

  /** An answer that does not fit the waiting call (forged, replayed, for other arguments): 409. */
  @ExceptionHandler(ApprovalException.class)
  public ResponseEntity<Map<String, String>> refused(ApprovalException e) {
    return conflict(e);
  }

  /** Another instance (or request) saved the conversation since this one loaded it; nothing was written: 409. */
  @ExceptionHandler(ConversationConflictException.class)
  public ResponseEntity<Map<String, String>> conflicted(ConversationConflictException e) {
    return conflict(e);
  }

  /** Another instance runs the approved call and did not finish within the claim wait; nothing ran here: 409. */
  @ExceptionHandler(CallInProgressException.class)
  public ResponseEntity<Map<String, String>> inProgress(CallInProgressException e) {
    return conflict(e);
  }

  private static ResponseEntity<Map<String, String>> conflict(ToolguardException e) {
    return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", String.valueOf(e.getMessage())));
  }

  private List<ApprovalRequest> waiting(String conversationId) {
    return FunctionInvokingLoop.waiting(conversations.load(conversationId).messages());
  }

  private static String requireConversationId(@Nullable String conversationId) {
    if (conversationId == null || conversationId.isBlank()) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
          "conversationId is required: call ids repeat across conversations");
    }
    return conversationId;
  }

  private static ChatReply reply(String conversationId, ChatClientResponse response) {
    Object status = response.context().get(ToolGuardAdvisor.STATUS);
    String answer = response.chatResponse() == null || response.chatResponse().getResult() == null
        ? null : response.chatResponse().getResult().getOutput().getText();
    return new ChatReply(conversationId, String.valueOf(status), answer == null ? "" : answer,
        pendingCalls(conversationId, ToolGuardSpringAi.pending(response)));
  }

  private static List<PendingCall> pendingCalls(String conversationId, List<ApprovalRequest> requests) {
    List<PendingCall> out = new ArrayList<>(requests.size());
    for (ApprovalRequest r : requests) {
      out.add(new PendingCall(conversationId, r.callId(), r.call().name(), r.call().argumentsJson()));
    }
    return out;
  }
}
