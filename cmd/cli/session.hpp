#pragma once
// What the run verbs open before doing anything: settings, catalog, database.
#include <memory>

#include "cli/common.hpp"
#include "config/runtime_catalog.hpp"
#include "runner/run_service.hpp"
#include "store/database.hpp"

namespace sbx::cli {

class Session {
  public:
    explicit Session(const CommonOptions& common)
        : loaded_(load_settings(common)), catalog_(config::RuntimeCatalog::load(loaded_.settings)),
          db_(runner::open_state(loaded_.settings)), context_{loaded_.settings, catalog_, *db_}
    {
    }

    const config::Settings& settings() const noexcept { return loaded_.settings; }
    runner::RunContext& context() noexcept { return context_; }
    store::Database& db() noexcept { return *db_; }

  private:
    config::LoadedSettings loaded_;
    config::RuntimeCatalog catalog_;
    std::unique_ptr<store::Database> db_;
    runner::RunContext context_;
};

/// A run id from the command line; throws Error(usage) naming the argument.
std::int64_t parse_run_id(const std::string& text);

} // namespace sbx::cli
