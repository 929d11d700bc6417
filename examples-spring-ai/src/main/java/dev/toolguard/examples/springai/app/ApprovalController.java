package dev.toolguard.examples.springai.app;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.springai.ToolGuardAdvisor;
import dev.toolguard.springai.ToolGuardSpringAi;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
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
 * The HTTP side: {@code POST /chat} talks, {@code GET /approvals} lists the calls that wait, and
 * {@code POST /approvals/{callId}} approves or rejects one and lets the conversation go on.
 */
@RestController
public class ApprovalController {

  private final ChatClient chat;
  private final ChatMemory memory;
  private final ChatMemoryRepository conversations;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /** The controller over the app's chat client and memory. */
  public ApprovalController(ChatClient chat, ChatMemory memory, ChatMemoryRepository conversations) {
    this.chat = chat;
    this.memory = memory;
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
   * @param conversationId its conversation, or null to look it up by call id
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
    synchronized (lock(conversationId)) {
      ChatClientResponse response = chat.prompt()
          .user(request.message())
          .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, conversationId))
          .call().chatClientResponse();
      return reply(conversationId, response);
    }
  }

  /** The calls that wait, in one conversation or in all. */
  @GetMapping("/approvals")
  public List<PendingCall> approvals(@RequestParam(required = false) @Nullable String conversationId) {
    List<String> ids = conversationId == null ? conversations.findConversationIds() : List.of(conversationId);
    List<PendingCall> out = new ArrayList<>();
    for (String id : ids) {
      out.addAll(pendingCalls(id, ToolGuardSpringAi.pending(memory.get(id))));
    }
    return out;
  }

  /** Approves or rejects a waiting call; the tool runs (or not) and the model answers. */
  @PostMapping("/approvals/{callId}")
  public ChatReply decide(@PathVariable String callId, @RequestBody Decision decision) {
    String conversationId = decision.conversationId() != null ? decision.conversationId() : conversationOf(callId);
    synchronized (lock(conversationId)) {
      ApprovalRequest request = ToolGuardSpringAi.pending(memory.get(conversationId)).stream()
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
  }

  /** An answer that does not fit the waiting call (forged, replayed, for other arguments): 409. */
  @ExceptionHandler(ApprovalException.class)
  public ResponseEntity<Map<String, String>> refused(ApprovalException e) {
    return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", String.valueOf(e.getMessage())));
  }

  private String conversationOf(String callId) {
    List<String> holding = new ArrayList<>();
    for (String id : conversations.findConversationIds()) {
      if (ToolGuardSpringAi.pending(memory.get(id)).stream().anyMatch(r -> r.callId().equals(callId))) {
        holding.add(id);
      }
    }
    if (holding.isEmpty()) {
      throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no call " + callId + " waits for approval");
    }
    if (holding.size() > 1) {
      throw new ResponseStatusException(HttpStatus.CONFLICT,
          "call " + callId + " waits in several conversations " + holding + "; give conversationId");
    }
    return holding.get(0);
  }

  private Object lock(String conversationId) {
    return locks.computeIfAbsent(conversationId, id -> new Object());
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
