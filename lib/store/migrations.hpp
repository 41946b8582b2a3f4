#pragma once
// The schema, as an ordered list of migrations. A later feature adds a migration
// at the end; a released migration is never edited.
#include <string>
#include <vector>

namespace sbx::store {

struct Migration {
    int version;      ///< 1, 2, 3, ... in order, no gaps
    std::string name; ///< what it does, for `sbx db status`
    std::string sql;
};

/// Every migration this build of sbx knows.
const std::vector<Migration>& schema_migrations();

} // namespace sbx::store
