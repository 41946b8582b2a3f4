#pragma once
// What lib/store's files share when talking to SQLite: SQLite failures become sbx
// errors where they enter, and optional values map to NULL both ways.
#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string>

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

} // namespace sbx::store
