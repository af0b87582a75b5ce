package io.gpufleet.scheduler;

import io.gpufleet.persistence.PersistenceConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

@SpringBootConfiguration
@EnableAutoConfiguration
@Import({PersistenceConfiguration.class, SchedulerConfiguration.class})
public class SchedulerTestApplication {}
