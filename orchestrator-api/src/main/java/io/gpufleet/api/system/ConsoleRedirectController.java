package io.gpufleet.api.system;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The root and {@code /console} lead to the console's page. */
@Controller
class ConsoleRedirectController {

  @GetMapping({"/", "/console"})
  String console() {
    return "redirect:/console/index.html";
  }
}
