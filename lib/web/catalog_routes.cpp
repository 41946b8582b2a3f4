// The runtime catalog and the FAQ, read-only.
#include "config/config_json.hpp"
#include "web/call.hpp"

namespace sbx::web {
namespace {

// The catalog is fixed for the life of the process: its list is built once.
std::string runtime_list(const config::RuntimeCatalog& catalog)
{
    auto json = nlohmann::json::array();
    for (const auto& runtime : catalog.runtimes())
        json.push_back(config::runtime_summary_json(runtime));
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void show_runtime(Call& call)
{
    auto json = config::runtime_json(call.context.catalog.get(call.params.at("id")));
    json.erase("source"); // a path on the server: the admin's business
    call.reply(200, json);
}

void faq(Call& call)
{
    if (auto id = call.request.param("runtime"))
        call.reply(200, config::faq_json(config::merge_faq(call.setup.faq, call.context.catalog.get(*id).faq)));
    else
        call.reply(200, config::faq_json(call.setup.faq));
}

} // namespace

void add_catalog_routes(Routes& routes, const ApiSetup& setup)
{
    routes.add("GET", "/api/v1/runtimes",
               [body = runtime_list(setup.catalog)](Call& call) { call.response.json(200, body); });
    routes.add("GET", "/api/v1/runtimes/{id}", show_runtime);
    routes.add("GET", "/api/v1/faq", faq);
}

} // namespace sbx::web
