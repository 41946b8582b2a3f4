#include "web/router.hpp"

namespace sbx::web {
namespace {

std::vector<std::string> split(const std::string& path)
{
    std::vector<std::string> parts;
    std::size_t start = 1;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string::npos)
            end = path.size();
        parts.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

bool match_segments(const std::vector<std::string>& pattern, const std::string& path, PathParams& params)
{
    if (path.empty() || path.front() != '/')
        return false;
    auto parts = split(path);
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const auto& p = pattern[i];
        if (p.size() > 5 && p.starts_with('{') && p.ends_with("...}")) {
            if (i >= parts.size())
                return false;
            std::string rest;
            for (std::size_t j = i; j < parts.size(); ++j)
                rest += (j == i ? "" : "/") + parts[j];
            if (rest.empty())
                return false;
            params[p.substr(1, p.size() - 5)] = rest;
            return true;
        }
        if (i >= parts.size())
            return false;
        if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
            if (parts[i].empty())
                return false;
            params[p.substr(1, p.size() - 2)] = parts[i];
        } else if (p != parts[i]) {
            return false;
        }
    }
    return parts.size() == pattern.size();
}

} // namespace

std::size_t Router::add(std::string method, const std::string& pattern)
{
    segments_.push_back(split(pattern));
    routes_.push_back({std::move(method), pattern, pattern});
    return routes_.size() - 1;
}

RouteMatch Router::match(const std::string& method, const std::string& path) const
{
    RouteMatch result;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        PathParams params;
        if (!match_segments(segments_[i], path, params))
            continue;
        if (routes_[i].method == method || (method == "HEAD" && routes_[i].method == "GET")) {
            result.route = &routes_[i];
            result.params = std::move(params);
            return result;
        }
        result.path_known = true;
    }
    return result;
}

std::string Router::allowed(const std::string& path) const
{
    std::string methods;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        PathParams params;
        if (match_segments(segments_[i], path, params) && methods.find(routes_[i].method) == std::string::npos)
            methods += (methods.empty() ? "" : ", ") + routes_[i].method;
    }
    return methods;
}

} // namespace sbx::web
