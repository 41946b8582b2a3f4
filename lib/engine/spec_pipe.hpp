#pragma once
// A named pipe that hands one text to one reader. It carries runsc exec's process spec,
// which holds a run's whole environment (a project's secrets among it): through a pipe
// that text never rests on disk, and nothing is left behind if sbx dies halfway.
#include <chrono>
#include <filesystem>
#include <string>

#include "process/child.hpp"

namespace sbx::engine {

class SpecPipe {
  public:
    /// Makes a fresh pipe (0600) in `dir`, creating `dir` (0700) if need be.
    /// Throws Error(internal) when it cannot.
    explicit SpecPipe(const std::filesystem::path& dir);
    /// Removes the pipe.
    ~SpecPipe();
    SpecPipe(const SpecPipe&) = delete;
    SpecPipe& operator=(const SpecPipe&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }

    /// Waits for `reader` to open the pipe, writes `text` whole and closes it (the reader
    /// then sees end of file). False when `reader` ended or closed the pipe first: what
    /// it printed says why. Throws Error(unavailable) when `timeout` passes first.
    bool hand_over(const std::string& text, process::Child& reader, std::chrono::milliseconds timeout);

  private:
    std::filesystem::path path_;
};

} // namespace sbx::engine
