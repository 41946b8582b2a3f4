#include "error.hpp"

namespace sbx {

int exit_code(ErrorKind kind) noexcept
{
    switch (kind) {
    case ErrorKind::usage: return 64;
    case ErrorKind::data: return 65;
    case ErrorKind::not_found: return 66;
    case ErrorKind::unavailable: return 69;
    case ErrorKind::internal: return 70;
    case ErrorKind::conflict: return 75;
    case ErrorKind::limit: return 75;
    case ErrorKind::too_large: return 65;
    case ErrorKind::forbidden: return 77;
    case ErrorKind::config: return 78;
    }
    return 70;
}

const char* kind_name(ErrorKind kind) noexcept
{
    switch (kind) {
    case ErrorKind::usage: return "usage";
    case ErrorKind::data: return "data";
    case ErrorKind::not_found: return "not-found";
    case ErrorKind::unavailable: return "unavailable";
    case ErrorKind::internal: return "internal";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::limit: return "limit";
    case ErrorKind::too_large: return "too-large";
    case ErrorKind::forbidden: return "forbidden";
    case ErrorKind::config: return "config";
    }
    return "internal";
}

} // namespace sbx
