#include "project/project_json.hpp"

namespace sbx::project {

nlohmann::json project_json(const store::ProjectRecord& p)
{
    return {{"id", p.id},
            {"owner", p.owner},
            {"name", p.name},
            {"full_name", p.owner + "/" + p.name},
            {"runtime", p.runtime},
            {"visibility", p.is_public ? "public" : "private"},
            {"forked_from", p.forked_from ? nlohmann::json(*p.forked_from) : nlohmann::json(nullptr)},
            {"created_at", p.created_at},
            {"updated_at", p.updated_at},
            {"files", p.file_count},
            {"bytes", p.bytes}};
}

nlohmann::json file_entry_json(const store::FileEntry& file)
{
    return {{"path", file.path}, {"size", file.size}, {"updated_at", file.updated_at}};
}

} // namespace sbx::project
