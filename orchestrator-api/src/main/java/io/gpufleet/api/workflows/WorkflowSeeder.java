package io.gpufleet.api.workflows;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** Ships two ready workflows: stored at startup unless a workflow of that name exists. */
@Component
class WorkflowSeeder implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(WorkflowSeeder.class);
  static final List<String> SHIPPED =
      List.of("workflows/sd-text-to-image.json", "workflows/sd-image-to-image.json");

  private final WorkflowCatalog catalog;

  WorkflowSeeder(WorkflowCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public void run(ApplicationArguments args) {
    for (String resource : SHIPPED) {
      JsonNode doc = read(resource);
      String name = doc.path("name").asString();
      if (catalog.exists(name)) {
        continue;
      }
      try {
        catalog.create(
            new WorkflowCatalog.Draft(
                name,
                doc.path("description").asString(null),
                doc.path("workflow"),
                null,
                doc.path("default").asBoolean(false)));
        log.info("Stored the shipped workflow '{}'", name);
      } catch (DataIntegrityViolationException e) {
        // another replica stored it at the same moment
        log.debug("Workflow '{}' was stored by another replica", name);
      }
    }
  }

  private static JsonNode read(String resource) {
    try (InputStream in = WorkflowSeeder.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return WorkflowCatalog.JSON.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
