#pragma once
// Which runtime a compatible API's request names: a language (or one of its aliases) and a
// version that may be exact ("3.11"), a semver range (">=3.10", "3.x", "^3.1", "~3.11",
// ">=3 <4", "3.10 || 3.11") or "*", as Piston's clients write them.
#include <string_view>

#include "config/runtime_catalog.hpp"

namespace sbx::web {

/// Whether a runtime's version satisfies `range`. Only the numbers of a version count:
/// a prefix before the first digit ("gcc-12") is dropped, and components a runtime's
/// version leaves out match anything ("3.11" satisfies "3.11.4"). A range that cannot be
/// read matches nothing.
bool version_matches(std::string_view version, std::string_view range);

/// <0, 0 or >0 as `a` is older than, the same as or newer than `b`, by their numbers.
int compare_versions(std::string_view a, std::string_view b);

/// The newest runtime whose language or one of its aliases is `language` (letter case
/// aside) and whose version satisfies `range`; nullptr when there is none.
const config::Runtime* find_runtime(const config::RuntimeCatalog& catalog, std::string_view language,
                                    std::string_view range);

} // namespace sbx::web
