#pragma once
// How `sbx gc` and `sbx pool drain` show what they removed: one shape for both.
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/garbage_collector.hpp"

namespace sbx::cli {

/// [{action, target, detail}, ...]
nlohmann::json gc_actions_json(const std::vector<runner::GcAction>& actions);

/// One line per action, "ACTION TARGET (DETAIL)", each after `prefix` ("would " for a dry run).
void print_gc_actions(const std::vector<runner::GcAction>& actions, std::string_view prefix = {});

} // namespace sbx::cli
