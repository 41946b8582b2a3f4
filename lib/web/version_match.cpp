#include "web/version_match.hpp"

#include <algorithm>
#include <optional>
#include <vector>

namespace sbx::web {
namespace {

// The numbers of a version; nullopt where a range says x or *, or a version ends early.
using Parts = std::vector<std::optional<long>>;

// "gcc-12" -> 12; "3.11.x" -> 3, 11, any. nullopt when the text is no version at all.
std::optional<Parts> parse_parts(std::string_view text, bool allow_wildcards)
{
    auto digit = text.find_first_of("0123456789");
    if (allow_wildcards && (text == "*" || text == "x" || text == "X" || text.empty()))
        return Parts{};
    if (!allow_wildcards && digit == std::string_view::npos)
        return std::nullopt;
    if (!allow_wildcards)
        text.remove_prefix(digit);
    if (allow_wildcards && text.starts_with('v'))
        text.remove_prefix(1);
    Parts parts;
    while (!text.empty() && parts.size() < 3) {
        auto dot = text.find('.');
        std::string_view part = text.substr(0, dot);
        if (allow_wildcards && (part == "x" || part == "X" || part == "*")) {
            parts.emplace_back(std::nullopt);
        } else {
            std::size_t digits = 0;
            long value = 0;
            while (digits < part.size() && part[digits] >= '0' && part[digits] <= '9' && value < 1'000'000'000)
                value = value * 10 + (part[digits++] - '0');
            // A range's part must be all digits; a version's may go on ("1.19rc1", "3.11.4-1").
            if (digits == 0 || (allow_wildcards && digits != part.size()))
                return allow_wildcards ? std::nullopt : std::optional<Parts>(parts);
            parts.emplace_back(value);
            if (digits != part.size())
                break;
        }
        if (dot == std::string_view::npos)
            break;
        text.remove_prefix(dot + 1);
    }
    return parts;
}

// Compares the first `n` parts; a part missing on either side counts as equal.
int compare_prefix(const Parts& version, const Parts& bound, std::size_t n)
{
    for (std::size_t i = 0; i < n && i < bound.size(); ++i) {
        if (!bound[i] || i >= version.size() || !version[i])
            return 0;
        if (*version[i] != *bound[i])
            return *version[i] < *bound[i] ? -1 : 1;
    }
    return 0;
}

// The parts of a bound up to its first wildcard.
std::size_t fixed_parts(const Parts& bound)
{
    std::size_t n = 0;
    while (n < bound.size() && bound[n])
        ++n;
    return n;
}

bool satisfies_comparator(const Parts& version, std::string_view comparator)
{
    std::string_view op;
    for (std::string_view candidate : {">=", "<=", ">", "<", "=", "^", "~"})
        if (comparator.starts_with(candidate)) {
            op = candidate;
            break;
        }
    comparator.remove_prefix(op.size());
    auto bound = parse_parts(comparator, true);
    if (!bound)
        return false;
    std::size_t n = fixed_parts(*bound);
    int order = compare_prefix(version, *bound, n);
    if (op.empty() || op == "=")
        return order == 0;
    if (op == ">=")
        return order >= 0;
    if (op == "<=")
        return order <= 0;
    if (op == ">")
        return order > 0;
    if (op == "<")
        return order < 0;
    // ^1.2.3: the same first non-zero part, no older; ~1.2.3: the same major and minor, no older.
    std::size_t same = 1;
    if (op == "^")
        while (same < n && (*bound)[same - 1] == 0)
            ++same;
    else
        same = std::min<std::size_t>(2, std::max<std::size_t>(n, 1));
    return compare_prefix(version, *bound, std::min(same, n)) == 0 && order >= 0;
}

std::vector<std::string_view> split(std::string_view text, std::string_view separator)
{
    std::vector<std::string_view> out;
    while (true) {
        auto at = text.find(separator);
        out.push_back(text.substr(0, at));
        if (at == std::string_view::npos)
            return out;
        text.remove_prefix(at + separator.size());
    }
}

bool equal_ignoring_case(std::string_view a, std::string_view b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

} // namespace

bool version_matches(std::string_view version, std::string_view range)
{
    // An exact text always matches, whatever its form ("gcc-12", "latest").
    if (range == version || range == "*")
        return true;
    auto parts = parse_parts(version, false);
    if (!parts)
        return false;
    for (auto alternative : split(range, "||")) {
        bool all = true, any_comparator = false;
        for (auto comparator : split(alternative, " ")) {
            if (comparator.empty())
                continue;
            any_comparator = true;
            all = all && satisfies_comparator(*parts, comparator);
        }
        if (all && (any_comparator || alternative.find_first_not_of(' ') == std::string_view::npos))
            return true;
    }
    return false;
}

int compare_versions(std::string_view a, std::string_view b)
{
    auto left = parse_parts(a, false).value_or(Parts{});
    auto right = parse_parts(b, false).value_or(Parts{});
    for (std::size_t i = 0; i < std::max(left.size(), right.size()); ++i) {
        long x = i < left.size() ? left[i].value_or(0) : 0;
        long y = i < right.size() ? right[i].value_or(0) : 0;
        if (x != y)
            return x < y ? -1 : 1;
    }
    return a.compare(b) < 0 ? -1 : a.compare(b) > 0 ? 1 : 0;
}

const config::Runtime* find_runtime(const config::RuntimeCatalog& catalog, std::string_view language,
                                    std::string_view range)
{
    const config::Runtime* best = nullptr;
    for (const auto& runtime : catalog.runtimes()) {
        bool named = equal_ignoring_case(runtime.language, language) ||
                     std::any_of(runtime.aliases.begin(), runtime.aliases.end(),
                                 [&](const std::string& alias) { return equal_ignoring_case(alias, language); });
        if (named && version_matches(runtime.version, range) &&
            (!best || compare_versions(runtime.version, best->version) > 0))
            best = &runtime;
    }
    return best;
}

} // namespace sbx::web
