#pragma once
// Whether the configured engine has the image of every runtime in the catalog.
#include <vector>

#include "config/diagnostics.hpp"
#include "config/runtime_catalog.hpp"
#include "engine/engine.hpp"

namespace sbx::runner {

/// One diagnostic per runtime whose image the engine does not have, at the runtime's file.
std::vector<config::Diagnostic> missing_images(const config::RuntimeCatalog& catalog, engine::Engine& engine);

} // namespace sbx::runner
