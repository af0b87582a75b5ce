package io.gpufleet.api;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/**
 * The house plan: every package under {@code io.gpufleet.api} is a module; each names in its {@code
 * package-info.java} the modules it may use, and none may form a cycle. A dependency that points
 * the wrong way (system on a feature, routing on workflows, …) fails the build here.
 */
class ModuleBoundariesTest {

  @Test
  void featuresUseOnlyTheModulesTheyDeclareAndNoCycleForms() {
    ApplicationModules.of(GpuFleetApplication.class).verify();
  }
}
