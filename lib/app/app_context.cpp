#include "app/app_context.hpp"

#include <filesystem>
#include <system_error>

#include "error.hpp"

namespace sbx::app {

namespace fs = std::filesystem;

std::unique_ptr<engine::Engine> AppContext::engine() const
{
    return make_engine(settings);
}

std::unique_ptr<store::Database> open_state(const config::Settings& settings)
{
    for (const auto& dir : {settings.state_dir, settings.run_dir, settings.database.parent_path()}) {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec)
            throw Error(ErrorKind::unavailable, dir.string() + ": cannot create: " + ec.message());
    }
    return std::make_unique<store::Database>(settings.database);
}

std::unique_ptr<engine::Engine> make_engine(const config::Settings& settings)
{
    // The engine runs in sbx's run dir and keeps the sandboxes' /etc files there (see
    // EngineConfig::work_dir); where it cannot be made yet, no sandbox can be made either,
    // but the engine can still be asked about images and runtimes.
    std::error_code failed;
    fs::create_directories(settings.run_dir, failed);
    return engine::make_engine({settings.engine,
                                settings.oci_runtime,
                                {},
                                settings.instance,
                                failed ? fs::path{} : fs::absolute(settings.run_dir),
                                settings.allow_unsandboxed_runtime});
}

} // namespace sbx::app
