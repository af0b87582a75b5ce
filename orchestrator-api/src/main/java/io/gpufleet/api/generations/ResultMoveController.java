package io.gpufleet.api.generations;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Admins move the results kept on the local disk to the configured object store. */
@RestController
@RequestMapping("/api/v1/results/move")
@PreAuthorize("hasRole('ADMIN')")
class ResultMoveController {

  private final ResultMove move;

  ResultMoveController(ResultMove move) {
    this.move = move;
  }

  /**
   * @param remaining generations whose outputs are still on a local disk, counted in the database
   * @param latest this replica's latest move, absent before the first
   */
  record MoveView(long remaining, ResultMove.@Nullable Progress latest) {}

  /** Starts a move on this replica (or answers the one that runs): 202, follow it with GET. */
  @PostMapping
  ResponseEntity<MoveView> start() {
    ResultMove.Progress started = move.start();
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(new MoveView(move.remaining(), started));
  }

  @GetMapping
  MoveView get() {
    return new MoveView(move.remaining(), move.latest());
  }
}
