#pragma once
// Judge0 submissions as rows: the token a Judge0 client holds, the run it names and what
// Judge0 decides once the run ends. A token is found only with the account that made it.
#include <cstdint>
#include <optional>
#include <string>

#include "store/database.hpp"

namespace sbx::store {

struct Judge0Submission {
    std::string token;
    std::int64_t run_id = 0;
    std::int64_t user_id = 0;
    int language_id = 0;
    std::optional<std::string> expected_output;
    bool redirect_stderr = false;
};

class Judge0Store {
  public:
    explicit Judge0Store(Database& db) : db_(db) {}

    void add(const Judge0Submission& submission);
    /// The submission `token` names when `user_id` made it; nullopt otherwise.
    std::optional<Judge0Submission> find(const std::string& token, std::int64_t user_id);

  private:
    Database& db_;
};

} // namespace sbx::store
