#pragma once
// Reading the engines' `container inspect` JSON. podman and docker print the same shape
// for what sbx needs, apart from where the OCI runtime is named.
#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/engine.hpp"

namespace sbx::engine {

/// Parses the JSON array `container inspect` prints. Throws Error(data) when it is not one.
std::vector<ContainerInfo> parse_inspect(std::string_view json);

/// Parses an RFC 3339 time with optional fraction ("2026-11-22T02:13:03.546867607Z",
/// "...+01:00"). The engines' zero time (year 1) means "never" and gives nullopt.
/// Throws Error(data) when malformed.
std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text);

/// An engine's status word ("exited", podman's "configured", ...) as a ContainerState.
ContainerState parse_state(std::string_view status) noexcept;

} // namespace sbx::engine
