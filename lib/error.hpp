#pragma once
// The one error family of libsbx. Binaries map the kind to an exit code; the
// FastCGI front end maps it to an HTTP status.
#include <stdexcept>
#include <string>

namespace sbx {

enum class ErrorKind {
    usage,       ///< the caller asked for something malformed (64)
    data,        ///< input data is malformed (65)
    not_found,   ///< the thing named does not exist or is not visible (66)
    unavailable, ///< a service or tool needed is missing or down (69)
    internal,    ///< sbx's own fault (70)
    conflict,    ///< the request conflicts with current state (75)
    limit,       ///< a rate or quota limit says not now (75)
    too_large,   ///< input over a size limit or storage quota (65)
    forbidden,   ///< the caller may not do this (77)
    config,      ///< configuration is invalid (78)
};

class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, const std::string& message, std::string field = {})
        : std::runtime_error(message), kind_(kind), field_(std::move(field))
    {
    }
    ErrorKind kind() const noexcept { return kind_; }
    /// The request field the error is about, when there is one.
    const std::string& field() const noexcept { return field_; }

  private:
    ErrorKind kind_;
    std::string field_;
};

/// sysexits(3) code for an error kind.
int exit_code(ErrorKind kind) noexcept;
/// Short stable name ("not-found", "config", ...) used in JSON output.
const char* kind_name(ErrorKind kind) noexcept;

} // namespace sbx
