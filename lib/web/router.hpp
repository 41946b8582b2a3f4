#pragma once
// Routes: a method and a path pattern such as "/api/v1/projects/{id}/files/{path...}" to a
// handler. {name} matches one segment; {name...} the rest of the path.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "web/http.hpp"

namespace sbx::web {

using PathParams = std::map<std::string, std::string>;

struct Route {
    std::string method;
    std::string pattern;
    std::string name; ///< for metrics: the pattern, never the concrete path
};

struct RouteMatch {
    const Route* route = nullptr;
    PathParams params;
    bool path_known = false; ///< some route has this path, with another method (405)
};

class Router {
  public:
    /// Returns the route's index, in the order added.
    std::size_t add(std::string method, const std::string& pattern);
    const std::vector<Route>& routes() const noexcept { return routes_; }
    RouteMatch match(const std::string& method, const std::string& path) const;
    /// The methods the path allows, for a 405's Allow header.
    std::string allowed(const std::string& path) const;

  private:
    std::vector<Route> routes_;
    std::vector<std::vector<std::string>> segments_;
};

} // namespace sbx::web
