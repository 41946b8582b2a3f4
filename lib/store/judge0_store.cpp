#include "store/judge0_store.hpp"

#include "store/sqlite_access.hpp"

namespace sbx::store {

void Judge0Store::add(const Judge0Submission& submission)
{
    guarded("record a Judge0 submission", [&] {
        SQLite::Statement q(db_.sql(), "INSERT INTO judge0_submissions (token, run_id, user_id, language_id, "
                                       "expected_output, redirect_stderr) VALUES (?, ?, ?, ?, ?, ?)");
        q.bind(1, submission.token);
        q.bind(2, submission.run_id);
        q.bind(3, submission.user_id);
        q.bind(4, submission.language_id);
        if (submission.expected_output)
            q.bind(5, submission.expected_output->data(), static_cast<int>(submission.expected_output->size()));
        else
            q.bind(5);
        q.bind(6, submission.redirect_stderr ? 1 : 0);
        q.exec();
    });
}

std::optional<Judge0Submission> Judge0Store::find(const std::string& token, std::int64_t user_id)
{
    return guarded("read a Judge0 submission", [&]() -> std::optional<Judge0Submission> {
        SQLite::Statement q(db_.sql(), "SELECT token, run_id, user_id, language_id, expected_output, redirect_stderr "
                                       "FROM judge0_submissions WHERE token = ? AND user_id = ?");
        q.bind(1, token);
        q.bind(2, user_id);
        if (!q.executeStep())
            return std::nullopt;
        Judge0Submission s{q.getColumn(0).getString(),
                           q.getColumn(1).getInt64(),
                           q.getColumn(2).getInt64(),
                           q.getColumn(3).getInt(),
                           {},
                           q.getColumn(5).getInt() != 0};
        if (!q.getColumn(4).isNull())
            s.expected_output = std::string(static_cast<const char*>(q.getColumn(4).getBlob()),
                                            static_cast<std::size_t>(q.getColumn(4).getBytes()));
        return s;
    });
}

} // namespace sbx::store
