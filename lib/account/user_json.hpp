#pragma once
// Users as JSON, the same for `sbx user --format=json` and the web API. Never secrets.
#include <nlohmann/json.hpp>

#include "config/settings.hpp"
#include "store/user_store.hpp"

namespace sbx::account {

/// {"id", "name", "admin", "disabled", "totp", "created_at", "quota": {effective values,
/// with "own": the fields the user's own quota sets}}
nlohmann::json user_json(const store::UserRecord& user, const config::Quotas& defaults);

} // namespace sbx::account
