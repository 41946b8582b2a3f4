#pragma once
// Errors as the API answers them: {"error": {"code", "message", "field"}} with the status
// that fits. lib's errors map by kind; the web layer adds its own (401, 405, 415).
#include <stdexcept>
#include <string>

#include "error.hpp"
#include "web/http.hpp"

namespace sbx::web {

/// An error only HTTP has: not logged in, wrong method, wrong media type.
class HttpError : public std::runtime_error {
  public:
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

/// 400 usage, 422 data, 404 not found, 409 conflict, 429 limit, 413 too large,
/// 403 forbidden, 503 unavailable or config, 500 internal.
int http_status(ErrorKind kind) noexcept;

/// The error document.
std::string error_body(const std::string& code, const std::string& message, const std::string& field = {});

/// Fills `response` with the error.
void set_error(Response& response, int status, const std::string& code, const std::string& message,
               const std::string& field = {});

} // namespace sbx::web
