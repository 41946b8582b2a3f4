#include "config/diagnostics.hpp"

#include <algorithm>
#include <tuple>

namespace sbx::config {
namespace {

std::string join(const std::vector<Diagnostic>& diagnostics)
{
    std::string text;
    for (const auto& d : diagnostics) {
        if (!text.empty())
            text += '\n';
        text += d.to_string();
    }
    return text;
}

} // namespace

void Diagnostics::throw_if_any() const
{
    if (!items_.empty())
        throw ConfigError(sorted());
}

std::vector<Diagnostic> Diagnostics::sorted() const
{
    std::vector<std::string> files;
    for (const auto& d : items_)
        if (std::find(files.begin(), files.end(), d.file) == files.end())
            files.push_back(d.file);
    auto rank = [&](const Diagnostic& d) {
        return std::tuple(std::find(files.begin(), files.end(), d.file) - files.begin(), d.line, d.column);
    };
    auto sorted = items_;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [&](const Diagnostic& a, const Diagnostic& b) { return rank(a) < rank(b); });
    return sorted;
}

std::string Diagnostic::to_string() const
{
    std::string text = file;
    if (line > 0) {
        text += ':' + std::to_string(line);
        if (column > 0)
            text += ':' + std::to_string(column);
    }
    return text + ": " + message;
}

ConfigError::ConfigError(std::vector<Diagnostic> diagnostics)
    : Error(ErrorKind::config, join(diagnostics)), diagnostics_(std::move(diagnostics))
{
}

} // namespace sbx::config
