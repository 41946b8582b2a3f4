#pragma once
// Config problems carry where they are (FILE:LINE:COL) and are collected, so an
// admin sees every mistake at once instead of fixing them one run at a time.
#include <string>
#include <vector>

#include "error.hpp"

namespace sbx::config {

struct Diagnostic {
    std::string file; ///< file path, or "environment" / "command line"
    int line = 0;     ///< 1-based; 0 when the problem has no position
    int column = 0;   ///< 1-based; 0 when unknown
    std::string message;

    /// "FILE:LINE:COL: message" (position parts omitted when unknown).
    std::string to_string() const;
};

/// Several diagnostics at once; what() is all of them, one per line.
class ConfigError : public Error {
  public:
    explicit ConfigError(std::vector<Diagnostic> diagnostics);
    const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

  private:
    std::vector<Diagnostic> diagnostics_;
};

/// Collects diagnostics; throw_if_any() raises them together.
class Diagnostics {
  public:
    void add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
    void add(const std::string& file, int line, int column, std::string message)
    {
        items_.push_back({file, line, column, std::move(message)});
    }
    bool empty() const noexcept { return items_.empty(); }
    const std::vector<Diagnostic>& items() const noexcept { return items_; }
    /// Every diagnostic, files in the order first seen and each file's in line order.
    std::vector<Diagnostic> sorted() const;
    /// Throws ConfigError with sorted().
    void throw_if_any() const;

  private:
    std::vector<Diagnostic> items_;
};

} // namespace sbx::config
