#pragma once
// Validates the whole configuration at once (settings, catalog, FAQ) and returns
// every problem found, for `sbx runtime check` and the admin's web page.
#include <vector>

#include "config/diagnostics.hpp"
#include "config/runtime_catalog.hpp"
#include "config/settings.hpp"

namespace sbx::config {

struct ConfigCheck {
    LoadedSettings loaded;
    RuntimeCatalog catalog;           ///< the valid runtimes
    std::vector<FaqEntry> faq;        ///< global entries
    std::vector<Diagnostic> problems; ///< empty when everything is valid

    bool ok() const noexcept { return problems.empty(); }
};

/// Never throws ConfigError: problems are returned. Still throws Error(not_found)
/// when an explicitly named config file does not exist.
ConfigCheck check_configuration(const SettingsRequest& request);

} // namespace sbx::config
