#pragma once
// The environment of a program started by a direct exec into a pooled sandbox: what the
// sandbox's first process got from the engine (image, runtime and engine variables, read
// from its /proc/PID/environ inside the sandbox), with the run's variables over it. So the program sees what it would
// in a cold sandbox of that run.
#include <string>
#include <string_view>
#include <vector>

namespace sbx::init {

/// `base` (NUL-separated NAME=VALUE entries, as /proc/PID/environ holds them) with each
/// of `own` (NAME=VALUE) set over it; order: base's, then new names in own's order.
std::vector<std::string> inherited_environment(std::string_view base, const std::vector<std::string>& own);

/// The whole contents of `path`; throws std::runtime_error naming it.
std::string read_whole(const char* path);

} // namespace sbx::init
