// A run's output log: lines in order with their stream, appended in batches, read by cursor.
#include "store/run_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <array>

#include "error.hpp"
#include "store/run_rows.hpp"
#include "store/sqlite_access.hpp"

namespace sbx::store {
namespace {

constexpr std::array stream_names = {"stdout", "stderr", "sbx"};

} // namespace

const char* stream_name(Stream stream) noexcept
{
    return stream_names[static_cast<std::size_t>(stream)];
}

void RunStore::append_output(std::int64_t id, const std::vector<OutputLine>& lines, std::int64_t bytes)
{
    guarded("store output", [&] {
        SQLite::Transaction transaction(db_.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement insert(db_.sql(),
                                 "INSERT INTO run_output (run_id, seq, stream, data, eol) VALUES (?, ?, ?, ?, ?)");
        for (const auto& line : lines) {
            insert.bind(1, id);
            insert.bind(2, line.seq);
            insert.bind(3, stream_name(line.stream));
            insert.bind(4, line.data.data(), static_cast<int>(line.data.size()));
            insert.bind(5, line.eol ? 1 : 0);
            insert.exec();
            insert.reset();
        }
        SQLite::Statement count(db_.sql(), "UPDATE runs SET output_bytes = output_bytes + ? WHERE id = ?");
        count.bind(1, bytes);
        count.bind(2, id);
        count.exec();
        transaction.commit();
    });
}

std::vector<OutputLine> RunStore::read_output(std::int64_t id, std::int64_t from, std::size_t limit,
                                              std::optional<Stream> stream)
{
    return guarded("read output", [&] {
        std::string sql = "SELECT seq, stream, data, eol FROM run_output WHERE run_id = ? AND seq >= ?";
        if (stream)
            sql += " AND stream = ?";
        sql += " ORDER BY seq LIMIT ?";
        SQLite::Statement q(db_.sql(), sql);
        int index = 1;
        q.bind(index++, id);
        q.bind(index++, from);
        if (stream)
            q.bind(index++, stream_name(*stream));
        q.bind(index, static_cast<std::int64_t>(limit));
        std::vector<OutputLine> lines;
        while (q.executeStep()) {
            OutputLine line;
            line.seq = q.getColumn(0).getInt64();
            std::string name = q.getColumn(1).getString();
            line.stream = name == "stderr" ? Stream::err : name == "sbx" ? Stream::sbx : Stream::out;
            const auto& data = q.getColumn(2);
            line.data.assign(static_cast<const char*>(data.getBlob()), static_cast<std::size_t>(data.getBytes()));
            line.eol = q.getColumn(3).getInt() != 0;
            lines.push_back(std::move(line));
        }
        return lines;
    });
}
} // namespace sbx::store
