#include "config/toml_reader.hpp"

#include "config/units.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sbx::config {

std::optional<toml::table> parse_toml_file(const std::filesystem::path& path, Diagnostics& diagnostics)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        diagnostics.add(path.string(), 0, 0, "cannot open: " + std::string(std::strerror(errno)));
        return std::nullopt;
    }
    std::ostringstream content;
    content << in.rdbuf();
    try {
        return toml::parse(content.str(), path.string());
    } catch (const toml::parse_error& e) {
        diagnostics.add(path.string(), static_cast<int>(e.source().begin.line),
                        static_cast<int>(e.source().begin.column), std::string(e.description()));
        return std::nullopt;
    }
}

std::string toml_type_name(const toml::node& node)
{
    switch (node.type()) {
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    case toml::node_type::none: break;
    }
    return "nothing";
}

TableReader::TableReader(const toml::table& table, std::string file, Diagnostics& diagnostics, std::string context)
    : table_(table), file_(std::move(file)), diagnostics_(diagnostics), context_(std::move(context))
{
}

void TableReader::error(const toml::node& at, const std::string& message)
{
    diagnostics_.add(file_, static_cast<int>(at.source().begin.line), static_cast<int>(at.source().begin.column),
                     message);
}

void TableReader::error_at_key(const std::string& key, const std::string& message)
{
    for (auto&& [k, v] : table_)
        if (k.str() == key) {
            diagnostics_.add(file_, static_cast<int>(k.source().begin.line), static_cast<int>(k.source().begin.column),
                             message);
            return;
        }
    error_at_table(message);
}

void TableReader::error_at_table(const std::string& message)
{
    error(table_, message);
}

void TableReader::wrong_type(const std::string& key, const toml::node& node, const char* expected)
{
    error(node, context_ + key + ": expected " + expected + ", found " + toml_type_name(node));
}

void TableReader::missing(const std::string& key)
{
    error_at_table("missing required key '" + context_ + key + "'");
}

const toml::node* TableReader::node(const std::string& key)
{
    read_.insert(key);
    return table_.get(key);
}

std::optional<std::string> TableReader::string(const std::string& key, bool required)
{
    const auto* n = node(key);
    if (!n) {
        if (required)
            missing(key);
        return std::nullopt;
    }
    if (const auto* s = n->as_string())
        return s->get();
    wrong_type(key, *n, "a string");
    return std::nullopt;
}

std::optional<std::int64_t> TableReader::integer(const std::string& key, bool required)
{
    const auto* n = node(key);
    if (!n) {
        if (required)
            missing(key);
        return std::nullopt;
    }
    if (const auto* i = n->as_integer())
        return i->get();
    wrong_type(key, *n, "an integer");
    return std::nullopt;
}

std::optional<double> TableReader::number(const std::string& key, bool required)
{
    const auto* n = node(key);
    if (!n) {
        if (required)
            missing(key);
        return std::nullopt;
    }
    if (const auto* i = n->as_integer())
        return static_cast<double>(i->get());
    if (const auto* f = n->as_floating_point())
        return f->get();
    wrong_type(key, *n, "a number");
    return std::nullopt;
}

std::optional<bool> TableReader::boolean(const std::string& key)
{
    const auto* n = node(key);
    if (!n)
        return std::nullopt;
    if (const auto* b = n->as_boolean())
        return b->get();
    wrong_type(key, *n, "true or false");
    return std::nullopt;
}

std::optional<std::uint64_t> TableReader::bytes(const std::string& key)
{
    const auto* n = node(key);
    if (!n)
        return std::nullopt;
    std::optional<std::uint64_t> value;
    if (const auto* i = n->as_integer(); i && i->get() >= 0)
        value = static_cast<std::uint64_t>(i->get());
    else if (const auto* s = n->as_string())
        value = parse_bytes(s->get());
    if (!value && n->is_string())
        error(*n, context_ + key + ": '" + n->as_string()->get() + "' is not a size such as 256M or 1G");
    else if (!value)
        wrong_type(key, *n, "a size such as 256M or 1G");
    return value;
}

std::optional<std::chrono::milliseconds> TableReader::duration(const std::string& key)
{
    const auto* n = node(key);
    if (!n)
        return std::nullopt;
    std::optional<std::chrono::milliseconds> value;
    if (const auto* i = n->as_integer(); i && i->get() >= 0)
        value = std::chrono::milliseconds(i->get() * 1000);
    else if (const auto* s = n->as_string())
        value = parse_duration(s->get());
    if (!value && n->is_string())
        error(*n, context_ + key + ": '" + n->as_string()->get() + "' is not a duration such as 10s or 5m");
    else if (!value)
        wrong_type(key, *n, "a duration such as 10s or 5m");
    return value;
}

std::optional<std::vector<std::string>> TableReader::string_array(const std::string& key, bool required)
{
    const auto* n = node(key);
    if (!n) {
        if (required)
            missing(key);
        return std::nullopt;
    }
    const auto* array = n->as_array();
    if (!array) {
        wrong_type(key, *n, "an argv array of strings");
        return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const auto& element = *array->get(i);
        if (const auto* s = element.as_string()) {
            out.push_back(s->get());
        } else {
            error(element,
                  context_ + key + "[" + std::to_string(i) + "]: expected a string, found " + toml_type_name(element));
            ok = false;
        }
    }
    if (!ok)
        return std::nullopt;
    return out;
}

const toml::table* TableReader::table(const std::string& key)
{
    const auto* n = node(key);
    if (!n)
        return nullptr;
    if (const auto* t = n->as_table())
        return t;
    wrong_type(key, *n, "a table");
    return nullptr;
}

const toml::array* TableReader::array_of_tables(const std::string& key)
{
    const auto* n = node(key);
    if (!n)
        return nullptr;
    const auto* array = n->as_array();
    if (!array || !(array->empty() || array->is_array_of_tables())) {
        wrong_type(key, *n, "an array of tables");
        return nullptr;
    }
    return array;
}

void TableReader::finish()
{
    for (auto&& [k, v] : table_)
        if (!read_.contains(std::string(k.str())))
            diagnostics_.add(file_, static_cast<int>(k.source().begin.line), static_cast<int>(k.source().begin.column),
                             "unknown key '" + context_ + std::string(k.str()) + "'");
}

} // namespace sbx::config
