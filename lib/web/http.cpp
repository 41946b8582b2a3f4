#include "web/http.hpp"

namespace sbx::web {
int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

namespace {

std::string_view trim(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

} // namespace

std::string Request::header(const std::string& lower_name) const
{
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

std::optional<std::string> Request::param(const std::string& name) const
{
    auto it = query.find(name);
    if (it == query.end())
        return std::nullopt;
    return it->second;
}

std::optional<std::string> Request::cookie(std::string_view name) const
{
    std::string_view all = headers.contains("cookie") ? std::string_view(headers.at("cookie")) : std::string_view();
    while (!all.empty()) {
        auto end = all.find(';');
        std::string_view pair = trim(all.substr(0, end));
        all = end == std::string_view::npos ? std::string_view() : all.substr(end + 1);
        auto equals = pair.find('=');
        if (equals != std::string_view::npos && trim(pair.substr(0, equals)) == name)
            return std::string(trim(pair.substr(equals + 1)));
    }
    return std::nullopt;
}

void Response::set_header(std::string name, std::string value)
{
    headers.emplace_back(std::move(name), std::move(value));
}

void Response::json(int code, const std::string& text)
{
    status = code;
    body = text;
    set_header("Content-Type", "application/json");
}

const char* reason_phrase(int status) noexcept
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
    }
}

std::optional<std::string> percent_decode(std::string_view text, bool form)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+' && form) {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= text.size())
                return std::nullopt;
            int high = hex_value(text[i + 1]);
            int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0)
                return std::nullopt;
            out += static_cast<char>(high * 16 + low);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::multimap<std::string, std::string> parse_query(std::string_view query)
{
    std::multimap<std::string, std::string> params;
    while (!query.empty()) {
        auto end = query.find('&');
        std::string_view pair = query.substr(0, end);
        query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
        if (pair.empty())
            continue;
        auto equals = pair.find('=');
        auto name = percent_decode(pair.substr(0, equals), true);
        auto value = equals == std::string_view::npos ? std::optional<std::string>("")
                                                      : percent_decode(pair.substr(equals + 1), true);
        if (name && value)
            params.emplace(std::move(*name), std::move(*value));
    }
    return params;
}

} // namespace sbx::web
