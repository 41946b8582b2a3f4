#include "web/json_input.hpp"

#include "config/units.hpp"
#include "web/api_error.hpp"

#include <cstdint>

namespace sbx::web {
namespace {

[[noreturn]] void wrong_type(const std::string& field, const char* expected)
{
    throw HttpError(ErrorKind::usage, "invalid", "'" + field + "' must be " + expected, field);
}

} // namespace

JsonInput::JsonInput(const std::string& body)
{
    json_ = nlohmann::json::parse(body, nullptr, false);
    if (json_.is_discarded())
        throw HttpError(400, "bad-json", "the request body is not valid JSON");
    if (!json_.is_object())
        throw HttpError(400, "bad-json", "the request body must be a JSON object");
}

namespace {

const std::string& json_body(const Request& request)
{
    std::string type = request.header("content-type");
    if (!type.starts_with("application/json"))
        throw HttpError(415, "unsupported-media-type", "send the body as Content-Type: application/json");
    return request.body;
}

} // namespace

JsonInput::JsonInput(const Request& request) : JsonInput(json_body(request)) {}

const nlohmann::json* JsonInput::take(const std::string& field)
{
    read_.insert(field);
    auto it = json_.find(field);
    if (it == json_.end() || it->is_null())
        return nullptr;
    return &*it;
}

std::optional<std::string> JsonInput::string(const std::string& field)
{
    const auto* v = take(field);
    if (!v)
        return std::nullopt;
    if (!v->is_string())
        wrong_type(field, "a string");
    return v->get<std::string>();
}

std::string JsonInput::required_string(const std::string& field)
{
    auto v = string(field);
    if (!v)
        throw HttpError(ErrorKind::usage, "missing", "'" + field + "' is required", field);
    return *v;
}

std::optional<bool> JsonInput::boolean(const std::string& field)
{
    const auto* v = take(field);
    if (!v)
        return std::nullopt;
    if (!v->is_boolean())
        wrong_type(field, "true or false");
    return v->get<bool>();
}

std::optional<std::int64_t> JsonInput::integer(const std::string& field)
{
    const auto* v = take(field);
    if (!v)
        return std::nullopt;
    if (!v->is_number_integer())
        wrong_type(field, "a whole number");
    // nlohmann keeps 2^63 and above as unsigned; read as int64 they would wrap.
    if (v->is_number_unsigned() && v->get<std::uint64_t>() > std::uint64_t(INT64_MAX))
        throw HttpError(ErrorKind::usage, "invalid", "'" + field + "' is too large", field);
    return v->get<std::int64_t>();
}

std::optional<double> JsonInput::number(const std::string& field)
{
    const auto* v = take(field);
    if (!v)
        return std::nullopt;
    if (!v->is_number())
        wrong_type(field, "a number");
    return v->get<double>();
}

std::uint64_t size_value(const nlohmann::json& value, const std::string& field)
{
    if (value.is_number_unsigned())
        return value.get<std::uint64_t>();
    if (value.is_string())
        if (auto bytes = config::parse_bytes(value.get<std::string>()))
            return *bytes;
    throw HttpError(ErrorKind::usage, "invalid", "'" + field + "' must be a size such as \"256M\" or a number of bytes",
                    field);
}

std::optional<nlohmann::json> JsonInput::value(const std::string& field)
{
    const auto* v = take(field);
    if (!v)
        return std::nullopt;
    return *v;
}

void JsonInput::finish() const
{
    for (const auto& [key, value] : json_.items())
        if (!read_.contains(key))
            throw HttpError(400, "unknown-field", "unknown field '" + key + "'", key);
}

} // namespace sbx::web
