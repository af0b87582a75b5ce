package io.gpufleet.scheduler.setup;

import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerEngine;
import io.gpufleet.persistence.setup.ScriptKind;
import io.gpufleet.persistence.setup.SetupScript;
import io.gpufleet.persistence.setup.SetupScriptRepository;
import io.gpufleet.persistence.setup.SetupScriptVersion;
import io.gpufleet.persistence.setup.SetupScriptVersionRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The setup scripts admins keep, and the builtin ones the platform ships: "Install ComfyUI", "Reset
 * ComfyUI" and "Install Ollama", added on start when missing and never overwritten once there (an
 * admin may have edited them).
 */
@Service
public class SetupScriptService implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(SetupScriptService.class);

  /** The builtin install script's key. */
  public static final String BUILTIN_INSTALL = "install-comfyui";

  /** The builtin reset script's key. */
  public static final String BUILTIN_RESET = "reset-comfyui";

  /** The builtin script that sets an Ollama server up. */
  public static final String BUILTIN_OLLAMA = "install-ollama";

  private final SetupScriptRepository scripts;
  private final SetupScriptVersionRepository versions;
  private final Clock clock;

  SetupScriptService(
      SetupScriptRepository scripts, SetupScriptVersionRepository versions, Clock clock) {
    this.scripts = scripts;
    this.versions = versions;
    this.clock = clock;
  }

  @Override
  public void afterSingletonsInstantiated() {
    ensureBuiltins();
  }

  /** Adds the builtin scripts that are missing; safe for replicas starting together. */
  public void ensureBuiltins() {
    addBuiltin(
        BUILTIN_INSTALL,
        "Install ComfyUI",
        "Installs ComfyUI with a base model and runs it as a service; safe to run again.",
        SetupScripts.INSTALL_COMFYUI,
        ScriptKind.INSTALL);
    addBuiltin(
        BUILTIN_RESET,
        "Reset ComfyUI",
        "Stops ComfyUI and removes the installation (models are kept).",
        SetupScripts.RESET_COMFYUI,
        ScriptKind.RESET);
    addBuiltin(
        BUILTIN_OLLAMA,
        "Install Ollama",
        "Installs Ollama, serves it on port 11434 as a service and pulls the models in"
            + " OLLAMA_MODELS_TO_PULL; safe to run again.",
        SetupScripts.INSTALL_OLLAMA,
        ScriptKind.INSTALL);
  }

  private void addBuiltin(
      String key, String name, String description, String resource, ScriptKind kind) {
    if (scripts.findByBuiltinKey(key).isPresent()) {
      return;
    }
    int added =
        scripts.insertBuiltinIfAbsent(
            UUID.randomUUID(),
            key,
            name,
            description,
            SetupScripts.load(resource),
            kind.name(),
            now());
    if (added == 1) {
      scripts
          .findByBuiltinKey(key)
          .ifPresent(
              script ->
                  versions.save(
                      new SetupScriptVersion(
                          script,
                          ScriptAuthor.PLATFORM.id(),
                          ScriptAuthor.PLATFORM.name(),
                          now())));
      log.info("Added the builtin setup script \"{}\"", name);
    } else if (scripts.findByBuiltinKey(key).isEmpty()) {
      log.warn("Could not add the builtin setup script \"{}\": another script has that name", name);
    }
  }

  @Transactional(readOnly = true)
  public List<SetupScript> list() {
    return scripts.findAllByOrderByNameAsc();
  }

  /**
   * @throws SetupNotFoundException if there is no such script
   */
  @Transactional(readOnly = true)
  public SetupScript get(UUID id) {
    return scripts.findById(id).orElseThrow(() -> SetupNotFoundException.script(id));
  }

  /** The builtin script of that kind. */
  @Transactional(readOnly = true)
  public SetupScript builtin(ScriptKind kind) {
    String key = kind == ScriptKind.INSTALL ? BUILTIN_INSTALL : BUILTIN_RESET;
    return scripts.findByBuiltinKey(key).orElseThrow(() -> SetupNotFoundException.builtin(key));
  }

  /** The builtin script that installs Ollama. */
  @Transactional(readOnly = true)
  public SetupScript builtinOllama() {
    return scripts
        .findByBuiltinKey(BUILTIN_OLLAMA)
        .orElseThrow(() -> SetupNotFoundException.builtin(BUILTIN_OLLAMA));
  }

  /**
   * The script that sets {@code server} up: its own, or the builtin install script of its engine.
   */
  @Transactional(readOnly = true)
  public SetupScript forSetupOf(Server server) {
    UUID id = server.getSetup().scriptId();
    if (id != null) {
      return get(id);
    }
    return server.getEngine() == ServerEngine.OLLAMA
        ? builtinOllama()
        : builtin(ScriptKind.INSTALL);
  }

  /**
   * @throws SetupConflictException {@code SETUP_SCRIPT_NAME_TAKEN}
   */
  @Transactional
  public SetupScript create(SetupScriptDraft draft) {
    return create(draft, ScriptAuthor.PLATFORM);
  }

  /**
   * A new script; its content is version 1, saved by {@code author}.
   *
   * @throws SetupConflictException {@code SETUP_SCRIPT_NAME_TAKEN}
   */
  @Transactional
  public SetupScript create(SetupScriptDraft draft, ScriptAuthor author) {
    refuseTakenName(draft.name(), null);
    SetupScript script =
        new SetupScript(draft.name(), draft.description(), draft.content(), draft.kind(), now());
    SetupScript saved = saveChecked(script, draft.name());
    versions.save(new SetupScriptVersion(saved, author.id(), author.name(), now()));
    return saved;
  }

  /**
   * Replaces the script's fields; its version goes up when the content changes. A builtin keeps its
   * kind.
   *
   * @throws SetupNotFoundException if there is no such script
   * @throws SetupConflictException {@code SETUP_SCRIPT_NAME_TAKEN}, or {@code
   *     SETUP_SCRIPT_WRONG_KIND} when a builtin's kind would change
   */
  @Transactional
  public SetupScript update(UUID id, SetupScriptDraft draft) {
    return update(id, draft, ScriptAuthor.PLATFORM);
  }

  /**
   * As {@link #update(UUID, SetupScriptDraft)}, by {@code author}: a changed content becomes the
   * next version, and every earlier one stays readable. Saves of one script wait for each other.
   */
  @Transactional
  public SetupScript update(UUID id, SetupScriptDraft draft, ScriptAuthor author) {
    SetupScript script =
        scripts.findForUpdate(id).orElseThrow(() -> SetupNotFoundException.script(id));
    if (script.isBuiltin() && script.getKind() != draft.kind()) {
      throw new SetupConflictException(
          SetupConflictException.SCRIPT_WRONG_KIND,
          "The builtin script \"" + script.getName() + "\" stays " + script.getKind());
    }
    refuseTakenName(draft.name(), id);
    int before = script.getVersion();
    script.edit(draft.name(), draft.description(), draft.content(), draft.kind(), now());
    SetupScript saved = saveChecked(script, draft.name());
    if (saved.getVersion() != before) {
      versions.save(new SetupScriptVersion(saved, author.id(), author.name(), now()));
    }
    return saved;
  }

  /** Every recorded version of the script, newest first. */
  @Transactional(readOnly = true)
  public List<SetupScriptVersion> versions(UUID id) {
    get(id);
    return versions.findByScriptIdOrderByVersionDesc(id);
  }

  /**
   * @throws SetupNotFoundException if there is no such script or version
   */
  @Transactional(readOnly = true)
  public SetupScriptVersion version(UUID id, int version) {
    get(id);
    return versions
        .findByScriptIdAndVersion(id, version)
        .orElseThrow(() -> SetupNotFoundException.version(id, version));
  }

  /**
   * What changed from version {@code against} to version {@code version}, as a unified diff.
   *
   * @throws SetupNotFoundException if there is no such script or version
   */
  @Transactional(readOnly = true)
  public String diff(UUID id, int version, int against) {
    SetupScriptVersion to = version(id, version);
    SetupScriptVersion from = version(id, against);
    return ScriptDiff.unified(
        "v" + from.getVersion(), from.getContent(), "v" + to.getVersion(), to.getContent());
  }

  /**
   * Saves version {@code version}'s content as the script's content: a new version (unless it is
   * the content already), so the restore is in the history like any save.
   */
  @Transactional
  public SetupScript restore(UUID id, int version, ScriptAuthor author) {
    SetupScriptVersion old = version(id, version);
    SetupScript script = get(id);
    return update(
        id,
        new SetupScriptDraft(
            script.getName(), script.getDescription(), old.getContent(), script.getKind()),
        author);
  }

  /**
   * @throws SetupNotFoundException if there is no such script
   * @throws SetupConflictException {@code SETUP_SCRIPT_BUILTIN} or {@code SETUP_SCRIPT_IN_USE}
   */
  @Transactional
  public void delete(UUID id) {
    SetupScript script = get(id);
    if (script.isBuiltin()) {
      throw new SetupConflictException(
          SetupConflictException.SCRIPT_BUILTIN,
          "\"" + script.getName() + "\" comes with the platform and cannot be deleted");
    }
    if (scripts.isUsedByAServer(id)) {
      throw new SetupConflictException(
          SetupConflictException.SCRIPT_IN_USE,
          "\""
              + script.getName()
              + "\" is the setup script of a server; choose another for it first");
    }
    scripts.delete(script);
  }

  private void refuseTakenName(String name, @Nullable UUID self) {
    scripts
        .findByNameIgnoreCase(name)
        .filter(other -> !other.getId().equals(self))
        .ifPresent(
            other -> {
              throw nameTaken(name);
            });
  }

  private SetupScript saveChecked(SetupScript script, String name) {
    try {
      return scripts.saveAndFlush(script);
    } catch (DataIntegrityViolationException e) {
      throw nameTaken(name);
    }
  }

  private static SetupConflictException nameTaken(String name) {
    return new SetupConflictException(
        SetupConflictException.SCRIPT_NAME_TAKEN, "A setup script named \"" + name + "\" exists");
  }

  private Instant now() {
    return Instant.now(clock);
  }
}
