#include "cli/session.hpp"

#include <charconv>

#include "error.hpp"

namespace sbx::cli {

std::int64_t parse_run_id(const std::string& text)
{
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || end != text.data() + text.size() || id <= 0)
        throw Error(ErrorKind::usage, "'" + text + "' is not a run id (a positive number)", "run");
    return id;
}

} // namespace sbx::cli
