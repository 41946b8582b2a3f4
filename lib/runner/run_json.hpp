#pragma once
// JSON views of runs and their output: what `sbx show`, `sbx ps`, `sbx logs` and the web
// API print, the same document everywhere.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "store/run_store.hpp"

namespace sbx::runner {

/// A run, and while it is queued its place in the queue ("queue_position", 0: next;
/// null once it has left the queue).
nlohmann::json run_json(store::RunStore& runs, const store::RunRecord& run);
/// One output line. Text that is valid UTF-8 is "text"; anything else is "base64", so
/// every byte survives the trip.
nlohmann::json output_line_json(const store::OutputLine& line);
/// A file a run ran: {"path", "size", and "text" or "base64" as for output lines}.
nlohmann::json run_file_json(const store::RunFileRecord& file);
/// True when `bytes` is valid UTF-8.
bool is_utf8(std::string_view bytes);
std::string base64(std::string_view bytes);
/// Standard base64 with padding; nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace sbx::runner
