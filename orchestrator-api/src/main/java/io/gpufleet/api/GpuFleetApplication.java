package io.gpufleet.api;

import io.gpufleet.persistence.PersistenceConfiguration;
import io.gpufleet.scheduler.SchedulerConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** GPU Fleet: the one deployable application. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({PersistenceConfiguration.class, SchedulerConfiguration.class})
public class GpuFleetApplication {

  public static void main(String[] args) {
    SpringApplication.run(GpuFleetApplication.class, args);
  }
}
