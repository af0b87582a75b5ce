package io.gpufleet.simulator.vast;

import java.util.LinkedHashMap;
import java.util.Map;

/** An answer: a JSON value (maps, lists, scalars) or plain text. */
record Reply(int status, Object body, boolean plainText) {

  static Reply json(int status, Object body) {
    return new Reply(status, body, false);
  }

  static Reply ok(Object body) {
    return json(200, body);
  }

  static Reply success() {
    return ok(Map.of("success", true));
  }

  static Reply text(int status, String text) {
    return new Reply(status, text, true);
  }

  /** Vast's usual error shape: {@code {"success":false,"error":code,"msg":msg}}. */
  static Reply error(int status, String code, String msg) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", false);
    body.put("error", code);
    body.put("msg", msg);
    return json(status, body);
  }
}
