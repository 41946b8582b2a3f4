#include "config/faq.hpp"

#include <algorithm>
#include <set>

#include "config/toml_reader.hpp"

namespace sbx::config {

std::vector<FaqEntry> read_faq_entries(TableReader& reader)
{
    std::vector<FaqEntry> entries;
    const auto* array = reader.array_of_tables("faq");
    if (!array)
        return entries;
    std::set<std::string> ids;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const auto& table = *array->get(i)->as_table();
        TableReader entry(table, reader.file(), reader.diagnostics(),
                          reader.context() + "faq[" + std::to_string(i + 1) + "].");
        FaqEntry faq;
        faq.id = entry.string("id").value_or("");
        faq.question = entry.string("question", true).value_or("");
        faq.answer = entry.string("answer", true).value_or("");
        for (auto [key, text] : {std::pair{"question", &faq.question}, std::pair{"answer", &faq.answer}})
            if (entry.node(key) && entry.node(key)->is_string() &&
                text->find_first_not_of(" \t\n") == std::string::npos)
                entry.error_at_key(key, entry.context() + key + ": must not be empty");
        if (!faq.id.empty() && !ids.insert(faq.id).second)
            entry.error_at_key("id", "duplicate FAQ id '" + faq.id + "'");
        entry.finish();
        entries.push_back(std::move(faq));
    }
    return entries;
}

std::vector<FaqEntry> load_faq(const std::filesystem::path& path, Diagnostics& diagnostics)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return {};
    std::vector<FaqEntry> entries;
    if (auto table = parse_toml_file(path, diagnostics)) {
        TableReader reader(*table, path.string(), diagnostics);
        entries = read_faq_entries(reader);
        reader.finish();
    }
    return entries;
}

std::vector<FaqEntry> load_faq(const std::filesystem::path& path)
{
    Diagnostics diagnostics;
    auto entries = load_faq(path, diagnostics);
    diagnostics.throw_if_any();
    return entries;
}

std::vector<FaqEntry> merge_faq(const std::vector<FaqEntry>& global, const std::vector<FaqEntry>& runtime)
{
    std::vector<FaqEntry> merged;
    for (const auto& entry : global) {
        auto own = std::find_if(runtime.begin(), runtime.end(),
                                [&](const FaqEntry& r) { return !entry.id.empty() && r.id == entry.id; });
        merged.push_back(own == runtime.end() ? entry : *own);
    }
    for (const auto& entry : runtime) {
        bool replaced = std::any_of(global.begin(), global.end(),
                                    [&](const FaqEntry& g) { return !entry.id.empty() && g.id == entry.id; });
        if (!replaced)
            merged.push_back(entry);
    }
    return merged;
}

} // namespace sbx::config
