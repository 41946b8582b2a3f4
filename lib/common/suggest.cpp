#include "common/suggest.hpp"

#include <algorithm>

namespace sbx {

std::size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates)
{
    // About one typo per three characters, at least one: "rn" -> "run", but not "gc" -> "run".
    std::size_t best_distance = std::max<std::size_t>(1, word.size() / 3) + 1;
    std::optional<std::string> best;
    for (const auto& candidate : candidates) {
        auto distance = edit_distance(word, candidate);
        if (distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    if (best || word.size() < 2)
        return best;
    // Otherwise an abbreviation: "runt" -> "runtime", when it is unambiguous.
    for (const auto& candidate : candidates)
        if (candidate.starts_with(word)) {
            if (best)
                return std::nullopt;
            best = candidate;
        }
    return best;
}

} // namespace sbx
