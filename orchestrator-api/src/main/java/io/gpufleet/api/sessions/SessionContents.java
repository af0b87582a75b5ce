package io.gpufleet.api.sessions;

import java.util.UUID;

/**
 * Something a session holds outside its own rows (uploads' files), deleted before the session is:
 * the session's rows take theirs with them.
 */
public interface SessionContents {

  void deleteOf(UUID session);
}
