#include "config/setting_values.hpp"

#include <algorithm>
#include <limits>
#include <regex>

#include "config/toml_reader.hpp"
#include "config/units.hpp"

namespace sbx::config {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

bool parse_setting(const SettingSpec& spec, Settings& settings, const SettingInput& input,
                   const fs::path& relative_base, const std::function<void(const std::string&)>& report)
{
    const std::string key = spec.key;
    const auto* text = std::get_if<std::string>(&input);
    const toml::node* node = text ? nullptr : std::get<const toml::node*>(input);
    auto as_text = [&]() -> std::optional<std::string> {
        if (text)
            return *text;
        if (const auto* s = node->as_string())
            return s->get();
        return std::nullopt;
    };
    auto as_integer = [&]() -> std::optional<std::int64_t> {
        if (node)
            if (const auto* i = node->as_integer())
                return i->get();
        return std::nullopt;
    };
    auto found = [&] { return node ? ", found " + toml_type_name(*node) : std::string(); };
    SettingTarget target = spec.target(settings);
    return std::visit(
        [&](auto* field) -> bool {
            using T = std::remove_pointer_t<decltype(field)>;
            if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, fs::path>) {
                auto value = as_text();
                if (!value) {
                    report(key + ": expected a string" + found());
                    return false;
                }
                if (value->empty()) {
                    report(key + ": must not be empty");
                    return false;
                }
                if (!spec.choices.empty() &&
                    std::find(spec.choices.begin(), spec.choices.end(), *value) == spec.choices.end()) {
                    std::string list;
                    for (const auto& c : spec.choices)
                        list += (list.empty() ? "" : ", ") + c;
                    report(key + ": '" + *value + "' is not one of: " + list);
                    return false;
                }
                if (spec.pattern && !std::regex_match(*value, std::regex(spec.pattern))) {
                    report(key + ": '" + *value + "' must be " + spec.pattern_text);
                    return false;
                }
                if constexpr (std::is_same_v<T, fs::path>)
                    *field = relative_base.empty() ? fs::path(*value) : (relative_base / *value).lexically_normal();
                else
                    *field = *value;
                return true;
            } else if constexpr (std::is_same_v<T, std::uint32_t>) {
                std::optional<std::int64_t> value = as_integer();
                if (text)
                    value = parse_integer(*text);
                if (!value || *value < 0 || *value > std::numeric_limits<std::uint32_t>::max()) {
                    report(key + ": expected a whole number" + found());
                    return false;
                }
                if (static_cast<double>(*value) < spec.minimum) {
                    report(key + ": must be at least " + format_number(spec.minimum));
                    return false;
                }
                if (spec.maximum > 0 && static_cast<double>(*value) > spec.maximum) {
                    report(key + ": must be at most " + format_number(spec.maximum));
                    return false;
                }
                *field = static_cast<std::uint32_t>(*value);
                return true;
            } else if constexpr (std::is_same_v<T, std::uint64_t>) {
                std::optional<std::uint64_t> value;
                if (auto i = as_integer(); i && *i >= 0)
                    value = static_cast<std::uint64_t>(*i);
                else if (auto t = as_text())
                    value = parse_bytes(*t);
                if (!value) {
                    auto t = as_text();
                    report(key + (t ? ": '" + *t + "' is not a size such as 256M or 1G"
                                    : ": expected a size such as 256M or 1G" + found()));
                    return false;
                }
                if (static_cast<double>(*value) < spec.minimum) {
                    report(key + ": must be at least " + format_bytes(static_cast<std::uint64_t>(spec.minimum)));
                    return false;
                }
                *field = *value;
                return true;
            } else if constexpr (std::is_same_v<T, double>) {
                std::optional<double> value;
                if (node && node->is_number())
                    value = node->is_integer() ? static_cast<double>(node->as_integer()->get())
                                               : node->as_floating_point()->get();
                if (text)
                    value = parse_decimal(*text);
                if (!value || !(*value >= spec.minimum) || *value > 1024) {
                    report(key + ": expected a number from " + format_number(spec.minimum) + " to 1024" + found());
                    return false;
                }
                *field = *value;
                return true;
            } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                std::vector<std::string> words;
                if (const auto* array = node ? node->as_array() : nullptr) {
                    for (const auto& item : *array) {
                        if (!item.is_string() || item.as_string()->get().empty()) {
                            report(key + ": expected an array of non-empty strings");
                            return false;
                        }
                        words.push_back(item.as_string()->get());
                    }
                } else if (text) {
                    std::string word;
                    for (char c : *text + " ")
                        if (c == ' ' || c == ',') {
                            if (!word.empty())
                                words.push_back(std::move(word));
                            word.clear();
                        } else {
                            word += c;
                        }
                } else {
                    report(key + ": expected an array of strings" + found());
                    return false;
                }
                *field = std::move(words);
                return true;
            } else if constexpr (std::is_same_v<T, bool>) {
                std::optional<bool> value;
                if (node && node->is_boolean())
                    value = node->as_boolean()->get();
                if (text)
                    value = parse_boolean(*text);
                if (!value) {
                    report(key + ": expected true or false" + found());
                    return false;
                }
                *field = *value;
                return true;
            } else {
                std::optional<milliseconds> value;
                if (auto i = as_integer(); i && *i >= 0)
                    value = milliseconds(*i * 1000);
                else if (auto t = as_text())
                    value = parse_duration(*t);
                if (!value) {
                    auto t = as_text();
                    report(key + (t ? ": '" + *t + "' is not a duration such as 10s, 5m or 30d"
                                    : ": expected a duration such as 10s, 5m or 30d" + found()));
                    return false;
                }
                if constexpr (std::is_same_v<T, std::chrono::seconds>)
                    if (value->count() % 1000 != 0) {
                        report(key + ": '" + as_text().value_or(format_duration(*value)) +
                               "' is not a whole number of seconds");
                        return false;
                    }
                T duration = std::chrono::duration_cast<T>(*value);
                if (duration.count() < spec.minimum) {
                    report(key + ": must be longer than 0");
                    return false;
                }
                if (spec.maximum > 0 && static_cast<double>(duration.count()) > spec.maximum) {
                    report(key + ": must be at most " + format_duration(T(static_cast<typename T::rep>(spec.maximum))));
                    return false;
                }
                *field = duration;
                return true;
            }
        },
        target);
}

std::string format_setting(const SettingSpec& spec, Settings& settings)
{
    return std::visit(
        [](auto* field) -> std::string {
            using T = std::remove_pointer_t<decltype(field)>;
            if constexpr (std::is_same_v<T, std::string>)
                return *field;
            else if constexpr (std::is_same_v<T, fs::path>)
                return field->string();
            else if constexpr (std::is_same_v<T, std::uint32_t>)
                return std::to_string(*field);
            else if constexpr (std::is_same_v<T, std::uint64_t>)
                return format_bytes(*field);
            else if constexpr (std::is_same_v<T, double>)
                return format_number(*field);
            else if constexpr (std::is_same_v<T, bool>)
                return *field ? "true" : "false";
            else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                std::string text;
                for (const auto& word : *field)
                    text += (text.empty() ? "" : " ") + word;
                return text;
            } else
                return format_duration(*field);
        },
        spec.target(settings));
}

} // namespace sbx::config
