// The runtime catalog and the FAQ, read-only.
#include "config/config_json.hpp"
#include "web/call.hpp"

namespace sbx::web {
namespace {

void list_runtimes(Call& call)
{
    auto json = nlohmann::json::array();
    for (const auto& runtime : call.context.catalog.runtimes())
        json.push_back(config::runtime_summary_json(runtime));
    call.reply(200, json);
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

void add_catalog_routes(Routes& routes)
{
    routes.add("GET", "/api/v1/runtimes", list_runtimes);
    routes.add("GET", "/api/v1/runtimes/{id}", show_runtime);
    routes.add("GET", "/api/v1/faq", faq);
}

} // namespace sbx::web
