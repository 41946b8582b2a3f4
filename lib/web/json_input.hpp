#pragma once
// A JSON request body read strictly: not JSON is 400, a wrong type is 422 naming the
// field, and a field nobody asked for is 400 naming it, so typos do not pass silently.
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "web/http.hpp"

namespace sbx::web {

class JsonInput {
  public:
    /// Throws HttpError(400) when `body` is not a JSON object.
    explicit JsonInput(const std::string& body);
    /// As above, after HttpError(415) unless the request says Content-Type: application/json
    /// (which a cross-site form cannot send without a preflight).
    explicit JsonInput(const Request& request);

    std::optional<std::string> string(const std::string& field);
    std::string required_string(const std::string& field);
    std::optional<bool> boolean(const std::string& field);
    std::optional<std::int64_t> integer(const std::string& field);
    std::optional<double> number(const std::string& field);
    /// The raw value, for nested shapes the caller checks itself.
    std::optional<nlohmann::json> value(const std::string& field);

    /// Throws HttpError(400) naming the first field that was not read.
    void finish() const;

  private:
    const nlohmann::json* take(const std::string& field);

    nlohmann::json json_;
    std::set<std::string> read_;
};

/// A size inside a nested member: a number of bytes or a size as sbx.toml writes it
/// ("256M"); otherwise HttpError(422) naming `field` (such as "limits.memory").
std::uint64_t size_value(const nlohmann::json& value, const std::string& field);

} // namespace sbx::web
