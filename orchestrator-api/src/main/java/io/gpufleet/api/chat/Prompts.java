package io.gpufleet.api.chat;

import io.gpufleet.api.system.ApiException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;

/** A request's messages as a Spring AI prompt: the profile's system prompt first if none given. */
final class Prompts {

  private Prompts() {}

  static Prompt of(ChatTarget target, ChatViews.ChatRequest request) {
    List<Message> messages = new ArrayList<>();
    boolean hasSystem = request.messages().stream().anyMatch(m -> m.role().equals("system"));
    String systemPrompt = target.profile().getSystemPrompt();
    if (!hasSystem && systemPrompt != null) {
      messages.add(new SystemMessage(systemPrompt));
    }
    for (int i = 0; i < request.messages().size(); i++) {
      ChatViews.Message m = request.messages().get(i);
      List<String> images = m.images() == null ? List.of() : m.images();
      if (!images.isEmpty() && !m.role().equals("user")) {
        throw ApiException.invalidField(
            "messages[" + i + "].images", "only user messages take images");
      }
      messages.add(
          switch (m.role()) {
            case "system" -> new SystemMessage(m.content());
            case "assistant" -> new AssistantMessage(m.content());
            default -> UserMessage.builder().text(m.content()).media(media(images, i)).build();
          });
    }
    return new Prompt(messages, target.connection().options(target.model(), target.options()));
  }

  private static List<Media> media(List<String> images, int index) {
    List<Media> media = new ArrayList<>();
    for (int j = 0; j < images.size(); j++) {
      String image = images.get(j).strip();
      MimeType type = null;
      if (image.startsWith("data:")) {
        int comma = image.indexOf(',');
        int semicolon = image.indexOf(';');
        if (comma < 0 || semicolon < 0 || semicolon > comma) {
          throw ApiException.invalidField(
              "messages[" + index + "].images[" + j + "]", "is not a base64 data URL");
        }
        type = MimeTypeUtils.parseMimeType(image.substring(5, semicolon));
        image = image.substring(comma + 1);
      }
      byte[] bytes;
      try {
        bytes = Base64.getMimeDecoder().decode(image);
      } catch (IllegalArgumentException e) {
        throw ApiException.invalidField(
            "messages[" + index + "].images[" + j + "]", "is not base64");
      }
      media.add(
          Media.builder()
              .mimeType(type != null ? type : sniff(bytes))
              .data(new ByteArrayResource(bytes))
              .build());
    }
    return media;
  }

  /** The image type from its first bytes; PNG when unknown. */
  private static MimeType sniff(byte[] b) {
    if (b.length > 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8) {
      return MimeTypeUtils.IMAGE_JPEG;
    }
    if (b.length > 3 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
      return MimeTypeUtils.IMAGE_GIF;
    }
    if (b.length > 11 && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
      return MimeType.valueOf("image/webp");
    }
    return MimeTypeUtils.IMAGE_PNG;
  }
}
