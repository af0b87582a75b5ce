package io.gpufleet.persistence.schedules;

import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

public interface PowerScheduleRepository extends JpaRepository<PowerSchedule, UUID> {}
