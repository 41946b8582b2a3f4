#pragma once
// Who is asking. Every lib call that reads or changes users, projects or runs takes one,
// and the rules of who may do what live with those calls, not in the front ends.
#include <cstdint>
#include <optional>
#include <string>

namespace sbx::account {

struct Actor {
    std::optional<std::int64_t> user_id; ///< none: the admin's own shell (sbx without --as)
    std::string name;
    bool admin = false;

    /// The admin at the shell: may do everything and is held to no user quota.
    static Actor shell() { return {std::nullopt, "admin shell", true}; }
    bool is_shell() const noexcept { return !user_id; }
    /// True when the actor is this user.
    bool is(std::int64_t id) const noexcept { return user_id && *user_id == id; }
};

} // namespace sbx::account
