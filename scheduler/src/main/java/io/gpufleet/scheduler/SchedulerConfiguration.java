package io.gpufleet.scheduler;

import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/** The scheduler's beans. The application imports this. */
@Configuration(proxyBeanMethods = false)
@ComponentScan(basePackageClasses = SchedulerConfiguration.class)
@ConfigurationPropertiesScan(basePackageClasses = SchedulerConfiguration.class)
public class SchedulerConfiguration {}
