#pragma once
// The rules every SandboxSpec must follow before an engine sees it.
#include "engine/engine.hpp"

namespace sbx::engine {

/// Throws Error(usage), with the offending field, unless `spec` is complete and keeps the
/// sandbox as tight as sbx promises: a non-root user, every limit set, a size-capped /tmp,
/// a mounted work dir, names and paths the engines' option syntax cannot misread, sbx's own
/// labels left to sbx, and (`runsc`) a pids limit gVisor can live with.
void check_spec(const SandboxSpec& spec, bool runsc);

} // namespace sbx::engine
