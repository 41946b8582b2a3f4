#include "runner/image_check.hpp"

#include <map>

namespace sbx::runner {

std::vector<config::Diagnostic> missing_images(const config::RuntimeCatalog& catalog, engine::Engine& engine)
{
    std::map<std::string, bool> known; // runtimes share images: ask once each
    std::vector<config::Diagnostic> missing;
    for (const auto& runtime : catalog.runtimes()) {
        auto [it, fresh] = known.try_emplace(runtime.image, false);
        if (fresh)
            it->second = engine.image_exists(runtime.image);
        if (!it->second)
            missing.push_back({runtime.source, 0, 0,
                               "image " + runtime.image + " of runtime " + runtime.id + " is not in " + engine.name() +
                                   " (build it with `make images`)"});
    }
    return missing;
}

} // namespace sbx::runner
