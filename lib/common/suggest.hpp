#pragma once
// "did you mean ...?" for mistyped verbs, keys and ids.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx {

/// Edit distance (insert, delete, substitute, transpose adjacent) between two strings.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is plausibly a typo of it, else nullopt.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

} // namespace sbx
