#pragma once
// A whole sbx instance for a test: the shipped config and catalog, with its state (database,
// run dir) in a temporary directory.
#include <memory>

#include "app/app_context.hpp"
#include "config/runtime_catalog.hpp"
#include "config/settings.hpp"
#include "store/database.hpp"
#include "temp_dir.hpp"

namespace sbx::test {

inline config::Settings shipped_settings(const std::filesystem::path& state_dir, std::vector<std::string> overrides)
{
    config::SettingsRequest request;
    request.config_flag = std::filesystem::path(SBX_SOURCE_DIR) / "etc/sbx.toml";
    overrides.push_back("state_dir=" + state_dir.string());
    request.overrides = overrides;
    return config::load_settings(request).settings;
}

struct World {
    explicit World(std::vector<std::string> overrides = {})
        : settings(shipped_settings(dir.path(), std::move(overrides))), catalog(config::RuntimeCatalog::load(settings)),
          db(app::open_state(settings)), context{settings, catalog, *db}
    {
    }

    TempDir dir;
    config::Settings settings;
    config::RuntimeCatalog catalog;
    std::unique_ptr<store::Database> db;
    app::AppContext context;
};

} // namespace sbx::test
