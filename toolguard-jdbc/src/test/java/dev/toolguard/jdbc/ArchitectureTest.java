package dev.toolguard.jdbc;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;

/** Keeps toolguard-jdbc on toolguard-core and {@code java.sql} only, its API apart from its internals. */
class ArchitectureTest {

  private static final JavaClasses JDBC = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.toolguard.jdbc");

  @Test
  void dependsOnCoreAndTheJdkOnly() {
    classes().should().onlyDependOnClassesThat()
        .resideInAnyPackage("dev.toolguard.jdbc..", "dev.toolguard.core..", "java..", "javax.sql..",
            "org.jspecify.annotations")
        .because("toolguard-jdbc needs no framework, no driver and no JSON library")
        .check(JDBC);
  }

  @Test
  void coreInternalsAreNotUsed() {
    noClasses().should().dependOnClassesThat().resideInAPackage("dev.toolguard.core.internal..").check(JDBC);
  }

  @Test
  void everyPackageIsNullMarked() {
    Set<String> unmarked = new TreeSet<>();
    JDBC.forEach(c -> {
      if (!c.getPackage().isAnnotatedWith(NullMarked.class)) {
        unmarked.add(c.getPackageName());
      }
    });
    org.assertj.core.api.Assertions.assertThat(unmarked)
        .as("packages without a package-info.java annotated @NullMarked").isEmpty();
  }
}
