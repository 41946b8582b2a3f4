// Accounts as the admin manages them (what `sbx user list|show|disable|enable|quota` do):
// list, show, disable or enable, and quotas. lib decides who may; a non-admin gets 403.
#include <limits>

#include "account/user_json.hpp"
#include "account/users.hpp"
#include "web/api_error.hpp"
#include "web/call.hpp"
#include "web/json_input.hpp"

namespace sbx::web {
namespace {

nlohmann::json user_body(const Call& call, const store::UserRecord& user)
{
    return account::user_json(user, call.context.settings.quotas);
}

void list(Call& call)
{
    auto json = nlohmann::json::array();
    for (const auto& user : account::list_users(call.context.db, call.user()))
        json.push_back(user_body(call, user));
    call.reply(200, json);
}

void show(Call& call)
{
    call.reply(200, user_body(call, account::show_user(call.context.db, call.user(), call.params.at("name"))));
}

[[noreturn]] void bad_quota(const std::string& key, const std::string& expected)
{
    throw HttpError(ErrorKind::usage, "invalid", "'quota." + key + "' must be " + expected, "quota." + key);
}

std::uint32_t count_of(const nlohmann::json& value, const std::string& key)
{
    if (!value.is_number_unsigned() || value.get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max())
        bad_quota(key, "a whole number from 1 to 4294967295");
    return value.get<std::uint32_t>();
}

store::QuotaOverrides quota_of(const nlohmann::json& quota)
{
    if (!quota.is_object())
        throw HttpError(ErrorKind::usage, "invalid", "'quota' must be an object", "quota");
    store::QuotaOverrides out;
    for (const auto& [key, value] : quota.items()) {
        if (key == "max_concurrent_runs")
            out.max_concurrent_runs = count_of(value, key);
        else if (key == "runs_per_hour")
            out.runs_per_hour = count_of(value, key);
        else if (key == "max_memory")
            out.max_memory = size_value(value, "quota." + key);
        else if (key == "max_storage")
            out.max_storage = size_value(value, "quota." + key);
        else if (key == "max_cpus" && value.is_number())
            out.max_cpus = value.get<double>();
        else if (key == "max_cpus")
            bad_quota(key, "a number");
        else
            throw HttpError(400, "unknown-field", "unknown field 'quota." + key + "'", "quota." + key);
    }
    return out;
}

void patch(Call& call)
{
    const auto& name = call.params.at("name");
    JsonInput in(call.request);
    auto disabled = in.boolean("disabled");
    auto quota = in.value("quota");
    bool reset = in.boolean("reset_quota").value_or(false);
    in.finish();
    auto overrides = quota ? quota_of(*quota) : store::QuotaOverrides{};
    auto& db = call.context.db;
    auto user = account::show_user(db, call.user(), name);
    if (quota || reset) {
        try {
            user = account::set_quota(db, call.user(), name, overrides, reset);
        } catch (const Error& e) {
            // lib names the quota's own field; the request spelt it inside 'quota'.
            if (e.kind() != ErrorKind::usage || e.field().empty())
                throw;
            throw HttpError(ErrorKind::usage, "invalid", e.what(), "quota." + e.field());
        }
    }
    if (disabled)
        user = account::set_disabled(db, call.user(), name, *disabled);
    call.reply(200, user_body(call, user));
}

} // namespace

void add_user_routes(Routes& routes)
{
    routes.add("GET", "/api/v1/users", list);
    routes.add("GET", "/api/v1/users/{name}", show);
    routes.add("PATCH", "/api/v1/users/{name}", patch);
}

} // namespace sbx::web
