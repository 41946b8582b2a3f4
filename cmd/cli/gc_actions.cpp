#include "cli/gc_actions.hpp"

#include <iostream>

namespace sbx::cli {

nlohmann::json gc_actions_json(const std::vector<runner::GcAction>& actions)
{
    auto list = nlohmann::json::array();
    for (const auto& a : actions)
        list.push_back({{"action", a.action}, {"target", a.target}, {"detail", a.detail}});
    return list;
}

void print_gc_actions(const std::vector<runner::GcAction>& actions, std::string_view prefix)
{
    for (const auto& a : actions)
        std::cout << prefix << a.action << ' ' << a.target << " (" << a.detail << ")\n";
}

} // namespace sbx::cli
