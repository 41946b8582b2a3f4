#pragma once
// FAQ entries: global ones in faq.toml, and a runtime's own in its catalog file.
#include <filesystem>
#include <string>
#include <vector>

namespace sbx::config {

class Diagnostics;
class TableReader;

struct FaqEntry {
    std::string id; ///< optional; a runtime entry with a global entry's id replaces it
    std::string question;
    std::string answer;
};

/// Reads `[[faq]]` entries of a table (the global file or a runtime file).
std::vector<FaqEntry> read_faq_entries(TableReader& reader);

/// Loads the global FAQ file; a missing file is an empty FAQ. Throws ConfigError.
std::vector<FaqEntry> load_faq(const std::filesystem::path& path);
std::vector<FaqEntry> load_faq(const std::filesystem::path& path, Diagnostics& diagnostics);

/// Global entries, then the runtime's; a runtime entry replaces a global one with the same id.
std::vector<FaqEntry> merge_faq(const std::vector<FaqEntry>& global, const std::vector<FaqEntry>& runtime);

} // namespace sbx::config
