package io.gpufleet.api.live;

import io.gpufleet.api.users.AuthenticatedUser;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/ws-tickets}: a one-time ticket to open the events WebSocket. */
@RestController
class SocketTicketController {

  private final SocketTickets tickets;

  SocketTicketController(SocketTickets tickets) {
    this.tickets = tickets;
  }

  record TicketView(String ticket, Instant expiresAt, String url) {}

  @PostMapping("/api/v1/ws-tickets")
  @ResponseStatus(HttpStatus.CREATED)
  TicketView issue(@AuthenticationPrincipal AuthenticatedUser user) {
    SocketTickets.Issued issued = tickets.issue(user.id());
    return new TicketView(
        issued.ticket(), issued.expiresAt(), "/api/v1/ws?ticket=" + issued.ticket());
  }
}
