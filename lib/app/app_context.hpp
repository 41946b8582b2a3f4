#pragma once
// What every front (the CLI, the web API, the pool keeper) opens once and hands to lib:
// the settings, the runtime catalog, the store, and how to reach the engine.
#include <memory>
#include <string>
#include <vector>

#include "config/runtime_catalog.hpp"
#include "config/settings.hpp"
#include "engine/engine.hpp"
#include "store/database.hpp"

namespace sbx::app {

struct AppContext {
    const config::Settings& settings;
    const config::RuntimeCatalog& catalog;
    store::Database& db;
    /// The command that supervises a run in a process of its own when given its id after
    /// it (sbx-supervise with the same config): see runner::supervise_detached(). Empty:
    /// none is installed, and no run can be detached.
    std::vector<std::string> supervisor_command = {};

    /// A new engine client of these settings.
    std::unique_ptr<engine::Engine> engine() const;
};

/// Creates state_dir and run_dir if needed and opens (migrating) the database.
std::unique_ptr<store::Database> open_state(const config::Settings& settings);

/// The engine of these settings.
std::unique_ptr<engine::Engine> make_engine(const config::Settings& settings);

} // namespace sbx::app
