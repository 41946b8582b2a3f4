#pragma once
// What lib/store's files share when talking to SQLite: SQLite failures become sbx
// errors where they enter, optional values map to NULL both ways, and enums are
// stored as their names.
#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "error.hpp"

namespace sbx::store {

/// Runs `body`, turning an SQLite exception into Error(unavailable) "database: cannot WHAT: ...".
template <typename F>
auto guarded(const char* what, F&& body)
{
    try {
        return body();
    } catch (const SQLite::Exception& e) {
        throw Error(ErrorKind::unavailable, std::string("database: cannot ") + what + ": " + e.what());
    }
}

template <typename T>
std::optional<T> optional_column(const SQLite::Column& column)
{
    if (column.isNull())
        return std::nullopt;
    if constexpr (std::is_floating_point_v<T>)
        return static_cast<T>(column.getDouble());
    else
        return static_cast<T>(column.getInt64());
}

template <typename T>
void bind_optional(SQLite::Statement& q, int index, const std::optional<T>& value)
{
    if (!value)
        q.bind(index);
    else if constexpr (std::is_floating_point_v<T>)
        q.bind(index, static_cast<double>(*value));
    else
        q.bind(index, static_cast<std::int64_t>(*value));
}

/// The position of `name` in `names`; throws Error(usage, field) "unknown WHAT 'NAME'
/// (one of: ...)" when it is not there.
inline std::size_t name_index(std::span<const char* const> names, std::string_view name, const char* what,
                              const char* field)
{
    for (std::size_t i = 0; i < names.size(); ++i)
        if (name == names[i])
            return i;
    std::string list;
    for (const auto* n : names)
        list += (list.empty() ? "" : ", ") + std::string(n);
    throw Error(ErrorKind::usage,
                std::string("unknown ") + what + " '" + std::string(name) + "' (one of: " + list + ")", field);
}

} // namespace sbx::store
