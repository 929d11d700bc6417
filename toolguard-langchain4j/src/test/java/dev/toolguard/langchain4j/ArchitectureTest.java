package dev.toolguard.langchain4j;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The adapter's dependencies stay as its README says. */
@AnalyzeClasses(packages = "dev.toolguard.langchain4j", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  /** Guarding a model or a memory needs langchain4j-core only; only the loop needs the langchain4j artifact. */
  @ArchTest
  static final ArchRule onlyTheLoopNeedsTheLangChain4jArtifact = noClasses()
      .that().resideInAPackage("dev.toolguard.langchain4j..")
      .and().doNotHaveFullyQualifiedName(ToolLoop.class.getName())
      .and().doNotHaveFullyQualifiedName(ToolLoop.Builder.class.getName())
      .and().doNotHaveFullyQualifiedName(ToolLoop.Result.class.getName())
      .and().doNotHaveFullyQualifiedName("dev.toolguard.langchain4j.internal.LangChain4jTool")
      .and().doNotHaveFullyQualifiedName("dev.toolguard.langchain4j.internal.ToolRun")
      .should().dependOnClassesThat().resideInAnyPackage("dev.langchain4j.service..", "dev.langchain4j.memory.chat..",
          "dev.langchain4j.chain..", "dev.langchain4j.classification..");

  /** The adapter never reaches into core's implementation. */
  @ArchTest
  static final ArchRule coreInternalsStayInternal = noClasses()
      .that().resideInAPackage("dev.toolguard.langchain4j..")
      .should().dependOnClassesThat().resideInAPackage("dev.toolguard.core.internal..");

  /** Nor into the test kit. */
  @ArchTest
  static final ArchRule noTestkit = noClasses()
      .that().resideInAPackage("dev.toolguard.langchain4j..")
      .should().dependOnClassesThat().resideInAPackage("dev.toolguard.testkit..");
}
