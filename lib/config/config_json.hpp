#pragma once
// JSON views of config objects. The CLI's --format=json and the web API print
// these same documents, so the two cannot drift apart.
#include <nlohmann/json.hpp>

#include "config/faq.hpp"
#include "config/runtime_catalog.hpp"
#include "config/settings.hpp"

namespace sbx::config {

nlohmann::json limits_json(const Limits& limits);
/// The catalog's summary of a runtime (what `runtime list` shows).
nlohmann::json runtime_summary_json(const Runtime& runtime);
/// Everything about a runtime.
nlohmann::json runtime_json(const Runtime& runtime);
nlohmann::json faq_json(const std::vector<FaqEntry>& entries);
nlohmann::json settings_json(const LoadedSettings& loaded);

} // namespace sbx::config
