package io.gpufleet.api.comfy;

import io.gpufleet.api.generations.GenerationViews;
import io.gpufleet.api.results.OutputDownloads;
import io.gpufleet.api.results.StoredOutput;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ErrorCodes;
import io.gpufleet.api.uploads.UploadStore;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * ComfyUI's {@code /view} and {@code /upload/image}, over the platform's stores: {@code /view}
 * serves the caller's outputs from the result store (type {@code output}) and their uploads (type
 * {@code input}) under the names this endpoint answered; an upload is an upload of the caller,
 * named so that a LoadImage node given that name reads it.
 */
@RestController
class ComfyFilesController {

  private static final Set<String> TYPES = Set.of("output", "input", "temp");

  private final GenerationRepository generations;
  private final OutputDownloads downloads;
  private final UploadStore uploads;

  ComfyFilesController(
      GenerationRepository generations, OutputDownloads downloads, UploadStore uploads) {
    this.generations = generations;
    this.downloads = downloads;
    this.uploads = uploads;
  }

  @GetMapping({"/comfy/view", "/comfy/api/view"})
  ResponseEntity<?> view(
      @AuthenticationPrincipal AuthenticatedUser user,
      @RequestParam(required = false) @Nullable String filename,
      @RequestParam(required = false, defaultValue = "output") String type,
      @RequestParam(required = false, defaultValue = "") String subfolder)
      throws IOException {
    if (filename == null) {
      throw notFound();
    }
    String name = filename;
    for (String t : TYPES) {
      if (name.endsWith(" [" + t + "]")) {
        name = name.substring(0, name.length() - t.length() - 3);
        type = t;
      }
    }
    if (!TYPES.contains(type)) {
      throw ApiException.badRequest(
          ErrorCodes.VALIDATION_ERROR, "type must be output, input or temp");
    }
    if (name.isEmpty() || name.startsWith("/") || name.contains("..") || subfolder.contains("..")) {
      throw ApiException.badRequest(ErrorCodes.VALIDATION_ERROR, "Not a file name: " + filename);
    }
    if ("output".equals(type)) {
      String shown = name;
      return FileNames.parseOutput(name)
          .flatMap(
              ref ->
                  generations
                      .findById(ref.generation())
                      .filter(g -> g.getUserId().equals(user.id()))
                      .flatMap(
                          g ->
                              GenerationViews.outputs(g).stream()
                                  .filter(o -> o.index() == ref.index())
                                  .findFirst()
                                  .map(o -> new Output(g, o))))
          .map(o -> download(o, shown))
          .orElseThrow(ComfyFilesController::notFound);
    }
    Stored file =
        ("input".equals(type) ? upload(user, name) : Optional.<Stored>empty())
            .filter(s -> Files.exists(s.path()))
            .orElseThrow(ComfyFilesController::notFound);
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType(file.contentType()))
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.inline().filename(name).build().toString())
        .body(Files.readAllBytes(file.path()));
  }

  private record Stored(Path path, String contentType) {}

  private record Output(Generation generation, StoredOutput output) {}

  /** ComfyUI clients read /view themselves: never a redirect, whatever the setting. */
  private ResponseEntity<InputStreamResource> download(Output o, String name) {
    try {
      return downloads.answer(
          o.generation().getId(),
          o.output(),
          o.generation().getOutputsDeletedAt() != null,
          false,
          name);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Optional<Stored> upload(AuthenticatedUser user, String name) {
    return FileNames.parseUpload(name)
        .flatMap(uploads::find)
        .filter(u -> u.userId().equals(user.id()))
        .map(u -> new Stored(uploads.path(u.id()), u.contentType()));
  }

  /**
   * Multipart {@code image} (with {@code subfolder}, {@code type}, {@code overwrite} as ComfyUI
   * takes them): stored as the caller's upload, answered as {@code {name, subfolder, type}}. Each
   * upload gets a name of its own, so {@code overwrite} has nothing to overwrite.
   */
  @PostMapping({"/comfy/upload/image", "/comfy/api/upload/image"})
  Map<String, String> uploadImage(
      @AuthenticationPrincipal AuthenticatedUser user,
      @RequestParam(name = "image", required = false) @Nullable MultipartFile image,
      @RequestParam(required = false, defaultValue = "") String subfolder,
      @RequestParam(required = false, defaultValue = "input") String type)
      throws IOException {
    if (image == null || image.isEmpty()) {
      throw ApiException.invalidField("image", "a file is required");
    }
    if (!TYPES.contains(type)) {
      throw ApiException.invalidField("type", "must be input, temp or output");
    }
    if (subfolder.contains("..") || subfolder.startsWith("/")) {
      throw ApiException.invalidField("subfolder", "must stay inside the folder");
    }
    UploadStore.UploadView stored =
        uploads.store(user, null, image.getOriginalFilename(), image.getBytes());
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("name", FileNames.upload(stored.id(), stored.contentType()));
    answer.put("subfolder", subfolder);
    answer.put("type", type);
    return answer;
  }

  private static ApiException notFound() {
    return ApiException.notFound(ErrorCodes.NOT_FOUND, "No such file of yours");
  }
}
