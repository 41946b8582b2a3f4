#pragma once
// Errors as the API answers them: {"error": {"code", "message", "field"}} with the status
// that fits, from one table by error kind (http_status); 400, 401, 405 and 415 are HTTP's own.
#include <stdexcept>
#include <string>

#include "error.hpp"
#include "web/http.hpp"

namespace sbx::web {

/// 422 usage and data, 404 not found, 409 conflict, 429 limit, 413 too large,
/// 403 forbidden, 503 unavailable or config, 500 internal: the one table from error
/// kinds to statuses, for lib's errors and the web layer's alike.
int http_status(ErrorKind kind) noexcept;

/// An error the web layer finds itself, with a code finer than the kind ("invalid",
/// "missing", "cross-site"). Its status comes from http_status(kind); only what has no
/// kind in lib gives a status of its own: 400 for a request that cannot be read (not
/// JSON, an unknown member), 401, 405, 415.
class HttpError : public std::runtime_error {
  public:
    HttpError(ErrorKind kind, std::string code, const std::string& message, std::string field = {})
        : HttpError(http_status(kind), std::move(code), message, std::move(field))
    {
    }
    HttpError(int status, std::string code, const std::string& message, std::string field = {})
        : std::runtime_error(message), status_(status), code_(std::move(code)), field_(std::move(field))
    {
    }
    int status() const noexcept { return status_; }
    const std::string& code() const noexcept { return code_; }
    const std::string& field() const noexcept { return field_; }

  private:
    int status_;
    std::string code_;
    std::string field_;
};

/// The error document.
std::string error_body(const std::string& code, const std::string& message, const std::string& field = {});

/// Fills `response` with the error.
void set_error(Response& response, int status, const std::string& code, const std::string& message,
               const std::string& field = {});

} // namespace sbx::web
