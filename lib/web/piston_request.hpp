#pragma once
// Piston's v2 API in sbx's terms: an execute request read and checked with Piston's
// messages, turned into a run request, and a run's end written as Piston's answer.
// Piston's words are its source's (engineer-man/piston api/src/api/v2.js); its clients
// match on them.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/runtime_catalog.hpp"
#include "runner/run_result.hpp"
#include "runner/run_service.hpp"

namespace sbx::web {

struct PistonFile {
    std::optional<std::string> name;
    std::string content; ///< decoded
    bool utf8 = true;    ///< sent as text (no encoding, or utf8)
};

struct PistonRequest {
    std::string language;
    std::string version;
    std::vector<PistonFile> files;
    std::string stdin_data;
    std::vector<std::string> args;
    std::optional<std::int64_t> compile_timeout_ms;
    std::optional<std::int64_t> run_timeout_ms;
    std::optional<std::int64_t> compile_memory_limit; ///< bytes
    std::optional<std::int64_t> run_memory_limit;     ///< bytes
};

/// Reads an execute request. Throws HttpError(400) with Piston's message and the field.
PistonRequest parse_piston_request(const nlohmann::json& body);

/// The run of `request` on `runtime`: unnamed files get names (the first the runtime's
/// entry file, as a compiler may need its extension), limits asked for are clamped to
/// the admin's caps, a limit of 0 or below keeps the runtime's. Throws HttpError(400)
/// when no file is text, as Piston does.
runner::RunRequest piston_run_request(const PistonRequest& request, const config::Runtime& runtime,
                                      const config::Limits& caps);

/// {language, version, run, compile?}: `run` and `compile` are {stdout, stderr, output,
/// code, signal, ...}. sbx keeps one output for both stages, so it all goes to the stage
/// the run ended in; a compile stage that passed shows empty output and code 0.
nlohmann::json piston_answer(const config::Runtime& runtime, const runner::RunResult& result);

/// Piston's runtime list entry for `runtime`.
nlohmann::json piston_runtime(const config::Runtime& runtime);

/// "SIGKILL" for 9; nullopt for 0.
std::optional<std::string> signal_name(int signal);

} // namespace sbx::web
