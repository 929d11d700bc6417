package dev.toolguard.springai;

import com.google.genai.Client;
import com.google.genai.types.HttpOptions;
import dev.toolguard.testkit.ProviderReferee;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.ai.google.genai.GoogleGenAiChatModel;
import org.springframework.ai.google.genai.GoogleGenAiChatOptions;
import org.springframework.ai.ollama.OllamaChatModel;
import org.springframework.ai.ollama.api.OllamaApi;
import org.springframework.ai.ollama.api.OllamaChatOptions;

/**
 * Spring AI's own GoogleGenAiChatModel (on Google's GenAI client) and OllamaChatModel, pointed at the
 * testkit's referee, one referee per test class, reset before each test.
 */
abstract class DialectRefereeSupport {

  static ProviderReferee referee;
  static GoogleGenAiChatModel gemini;
  static OllamaChatModel ollama;

  @BeforeAll
  static void startReferee() {
    referee = ProviderReferee.start();
    Client client = Client.builder().apiKey("test")
        .httpOptions(HttpOptions.builder().baseUrl(referee.baseUrl()).apiVersion("v1beta").build()).build();
    gemini = GoogleGenAiChatModel.builder().genAiClient(client)
        .options(GoogleGenAiChatOptions.builder().model("gemini-2.5-flash").build()).build();
    ollama = OllamaChatModel.builder().ollamaApi(OllamaApi.builder().baseUrl(referee.baseUrl()).build())
        .options(OllamaChatOptions.builder().model("llama3.2").build()).build();
  }

  @AfterAll
  static void stopReferee() {
    referee.close();
  }

  @BeforeEach
  void resetReferee() {
    referee.reset();
  }
}
