#pragma once
// Typed, position-aware reading of toml++ tables. Every read records a diagnostic
// on a wrong type; finish() reports keys nobody asked for, so typos never pass.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "config/diagnostics.hpp"

namespace sbx::config {

/// Parses a TOML file; on a syntax error or an unreadable file adds a diagnostic
/// and returns nullopt.
std::optional<toml::table> parse_toml_file(const std::filesystem::path& path, Diagnostics& diagnostics);

/// "string", "integer", "array", ... as a person would say it.
std::string toml_type_name(const toml::node& node);

class TableReader {
  public:
    /// `context` prefixes messages for nested tables ("limits.", "faq[2].").
    TableReader(const toml::table& table, std::string file, Diagnostics& diagnostics, std::string context = {});

    const toml::node* node(const std::string& key);
    std::optional<std::string> string(const std::string& key, bool required = false);
    std::optional<std::int64_t> integer(const std::string& key, bool required = false);
    std::optional<double> number(const std::string& key, bool required = false);
    std::optional<bool> boolean(const std::string& key);
    /// A byte size: an integer (bytes) or a string such as "256M".
    std::optional<std::uint64_t> bytes(const std::string& key);
    /// A duration: an integer (seconds) or a string such as "10s".
    std::optional<std::chrono::milliseconds> duration(const std::string& key);
    /// An array whose elements are all strings; anything else is a diagnostic.
    std::optional<std::vector<std::string>> string_array(const std::string& key, bool required = false);
    const toml::table* table(const std::string& key);
    const toml::array* array_of_tables(const std::string& key);

    /// Reports every key present but never read.
    void finish();

    void error(const toml::node& at, const std::string& message);
    void error_at_key(const std::string& key, const std::string& message);
    void error_at_table(const std::string& message);
    const std::string& file() const noexcept { return file_; }
    Diagnostics& diagnostics() noexcept { return diagnostics_; }
    const std::string& context() const noexcept { return context_; }

  private:
    void wrong_type(const std::string& key, const toml::node& node, const char* expected);
    void missing(const std::string& key);

    const toml::table& table_;
    std::string file_;
    Diagnostics& diagnostics_;
    std::string context_;
    std::set<std::string> read_;
};

} // namespace sbx::config
