package io.gpufleet.api.system;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The root and {@code /console} (with or without the slash) lead to the console's page. */
@Controller
class ConsoleRedirectController {

  @GetMapping({"/", "/console", "/console/"})
  String console() {
    return "redirect:/console/index.html";
  }
}
