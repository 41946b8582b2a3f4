#pragma once
// The web API: one request in, one response out (or a stream for events). A thin adapter:
// every route calls the lib function the CLI calls and prints the same JSON. Thread-safe;
// each worker thread brings its own database connection.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "config/faq.hpp"
#include "config/runtime_catalog.hpp"
#include "config/settings.hpp"
#include "store/database.hpp"
#include "web/http.hpp"

namespace sbx::web {

struct ApiSetup {
    const config::Settings& settings;
    const config::RuntimeCatalog& catalog;
    std::vector<config::FaqEntry> faq;
    /// sbx-run with the same config: how runs are handed to detached supervisors.
    std::vector<std::string> supervisor_command;
};

class Api {
  public:
    explicit Api(ApiSetup setup);
    ~Api();
    Api(const Api&) = delete;
    Api& operator=(const Api&) = delete;

    /// Answers `request` into `response`; never throws. Routes that stream (events) write
    /// through `stream` instead and leave `response` alone.
    void handle(const Request& request, store::Database& db, Response& response, const StreamWriter& stream);
    /// Whether `request` goes to a route that streams (and so may hold its writer for as
    /// long as a run goes on): a server answers those beside its ordinary workers.
    bool streams(const Request& request) const;

  private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace sbx::web
