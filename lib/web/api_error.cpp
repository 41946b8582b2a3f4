#include "web/api_error.hpp"

#include <nlohmann/json.hpp>

namespace sbx::web {

int http_status(ErrorKind kind) noexcept
{
    switch (kind) {
    // A request that was read but whose values are refused, by the route or by lib.
    case ErrorKind::usage:
    case ErrorKind::data: return 422;
    case ErrorKind::not_found: return 404;
    case ErrorKind::conflict: return 409;
    case ErrorKind::limit: return 429;
    case ErrorKind::too_large: return 413;
    case ErrorKind::forbidden: return 403;
    case ErrorKind::unavailable:
    case ErrorKind::config: return 503;
    case ErrorKind::internal: return 500;
    }
    return 500;
}

std::string error_body(const std::string& code, const std::string& message, const std::string& field)
{
    nlohmann::json error = {{"code", code}, {"message", message}};
    if (!field.empty())
        error["field"] = field;
    // Messages may quote what the client sent: replace rather than throw on bad UTF-8.
    return nlohmann::json{{"error", error}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void set_error(Response& response, int status, const std::string& code, const std::string& message,
               const std::string& field)
{
    // Headers already set stay (Retry-After, Allow); a half-built body does not.
    response.json(status, error_body(code, message, field));
}

} // namespace sbx::web
