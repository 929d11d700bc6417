package dev.toolguard.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.Version;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every Jackson 2 module on this module's class path — toolguard-json's and openai-java's (its datatype
 * and Kotlin modules) — has one version, the root pom's {@code jackson-bom} (see the README's "Jackson:
 * one version for everything").
 */
class JacksonAlignmentTest {

  @Test
  void oneJacksonVersionForToolguardAndOpenAiJava() throws Exception {
    Map<String, String> versions = new LinkedHashMap<>();
    for (String packageVersion : new String[] {
        "com.fasterxml.jackson.core.json.PackageVersion",
        "com.fasterxml.jackson.databind.cfg.PackageVersion",
        "com.fasterxml.jackson.datatype.jdk8.PackageVersion",
        "com.fasterxml.jackson.datatype.jsr310.PackageVersion",
        "com.fasterxml.jackson.module.kotlin.PackageVersion"}) {
      Version v = (Version) Class.forName(packageVersion).getField("VERSION").get(null);
      versions.put(packageVersion, v.toString());
    }
    assertThat(versions.values()).as("%s", versions).containsOnly(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
  }
}
