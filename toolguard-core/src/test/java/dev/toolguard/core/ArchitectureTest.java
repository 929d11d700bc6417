package dev.toolguard.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps toolguard-core free of everything but the JDK and slf4j-api. */
class ArchitectureTest {

  private static final JavaClasses CORE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.toolguard.core");

  @Test
  void coreDependsOnTheJdkAndSlf4jOnly() {
    classes().should().onlyDependOnClassesThat()
        .resideInAnyPackage("dev.toolguard.core..", "java..", "javax.annotation..", "javax.crypto..", "org.slf4j",
            "org.jspecify.annotations")
        .because("toolguard-core must stay framework-free: its only dependency is slf4j-api")
        .check(CORE);
  }

  @Test
  void everyPackageIsNullMarked() {
    java.util.Set<String> unmarked = new java.util.TreeSet<>();
    CORE.forEach(c -> {
      if (!c.getPackage().isAnnotatedWith(org.jspecify.annotations.NullMarked.class)) {
        unmarked.add(c.getPackageName());
      }
    });
    org.assertj.core.api.Assertions.assertThat(unmarked)
        .as("packages without a package-info.java annotated @NullMarked").isEmpty();
  }

  @Test
  void noFrameworkPackagesAnywhereInCore() {
    noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("com.fasterxml..", "tools.jackson..", "dev.langchain4j..", "org.springframework..",
            "com.openai..", "okhttp3..", "io.micrometer..", "io.opentelemetry..")
        .check(CORE);
  }
}
