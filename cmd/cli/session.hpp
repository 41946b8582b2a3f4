#pragma once
// What the run verbs open before doing anything: settings, catalog, database.
#include <memory>

#include "account/actor.hpp"
#include "app/app_context.hpp"
#include "cli/common.hpp"
#include "config/runtime_catalog.hpp"
#include "store/database.hpp"
#include "store/run_store.hpp"

namespace sbx::cli {

/// sbx-supervise (found as common::find_sbx_binary does) with the same config file and
/// --set overrides (the environment is inherited); empty when it is not installed.
std::vector<std::string> supervisor_command(const CommonOptions& common, const config::LoadedSettings& loaded);

class Session {
  public:
    explicit Session(const CommonOptions& common)
        : loaded_(load_settings(common)), catalog_(config::RuntimeCatalog::load(loaded_.settings)),
          db_(app::open_state(loaded_.settings)), context_{loaded_.settings, catalog_, *db_,
                                                           supervisor_command(common, loaded_)},
          as_(common.as)
    {
    }

    /// The user of --as, or the admin shell.
    account::Actor actor();

    const config::Settings& settings() const noexcept { return loaded_.settings; }
    app::AppContext& context() noexcept { return context_; }
    store::Database& db() noexcept { return *db_; }

  private:
    config::LoadedSettings loaded_;
    config::RuntimeCatalog catalog_;
    std::unique_ptr<store::Database> db_;
    app::AppContext context_;
    std::optional<std::string> as_;
};

// Exit statuses of a run, as docker run and timeout(1) have taught users to expect.
inline constexpr int exit_timeout = 124;
inline constexpr int exit_sbx_failed = 125;
inline constexpr int exit_killed = 137;

/// The exit status `sbx run` (and `sbx logs --follow`) ends with for a finished run.
int run_exit_status(const store::RunRecord& run);

/// Says on stderr why a run did not simply succeed or fail.
void explain_run(const store::RunRecord& run);

/// A run id from the command line; throws Error(usage) naming the argument.
std::int64_t parse_run_id(const std::string& text);

} // namespace sbx::cli
