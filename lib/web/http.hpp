#pragma once
// HTTP as the API handlers see it: a request already read, and a response to fill in or,
// for event streams, a writer that sends as it goes. Nothing here knows FastCGI.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::web {

struct Request {
    std::string method;                            ///< "GET", "POST", ...
    std::string path;                              ///< percent-decoded, without the query
    std::multimap<std::string, std::string> query; ///< decoded
    std::map<std::string, std::string> headers;    ///< lower-case names
    std::string body;
    std::string remote_addr;
    bool https = false;

    /// A header's value, or empty.
    std::string header(const std::string& lower_name) const;
    /// The first value of a query parameter.
    std::optional<std::string> param(const std::string& name) const;
    /// The value of one cookie.
    std::optional<std::string> cookie(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    void set_header(std::string name, std::string value);
    /// Sets the body and Content-Type: application/json.
    void json(int status, const std::string& body);
};

/// Where a streaming handler writes: headers once, then chunks, each sent at once.
/// write() returns false when the client has gone away.
struct StreamWriter {
    std::function<bool(const Response& head)> start;
    std::function<bool(std::string_view chunk)> write;
};

/// "Not Found" and the like.
const char* reason_phrase(int status) noexcept;

/// The value of a hex digit, either case; -1 for any other character.
int hex_value(char c) noexcept;

/// Decodes %XX (and '+' as space when `form`); nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool form = false);

/// Parses "a=1&b=2" into decoded pairs; malformed pairs are skipped.
std::multimap<std::string, std::string> parse_query(std::string_view query);

} // namespace sbx::web
