#pragma once
// A project's files packed as tar, tar.gz or zip, and unpacked from untrusted uploads
// without ever touching the disk.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/project_path.hpp"

namespace sbx::project {

struct ArchiveFile {
    std::string path; ///< relative, "/" between folders
    std::string content;
};

enum class ArchiveFormat { tar, tar_gz, zip };

/// "tar", "tar.gz" (or "tgz"), "zip". Throws Error(usage, field "format") otherwise.
ArchiveFormat parse_archive_format(std::string_view name);
/// "tar", "tar.gz", "zip".
const char* archive_format_name(ArchiveFormat format);
/// The Content-Type of an archive in that format ("application/gzip", ...).
const char* archive_media_type(ArchiveFormat format);
/// The file name extension, dot included (".tar.gz", ...).
const char* archive_extension(ArchiveFormat format);

struct ArchiveLimits {
    std::uint64_t max_total_bytes = 10 << 20; ///< all files' content together
    std::size_t max_entries = 500;            ///< directory entries included
    std::uint64_t max_file_bytes = 1 << 20;
    /// Decompressed bytes per input byte, enforced once more than 1 MiB came out.
    double max_ratio = 100;
};

/// The regular files of a tar, tar.gz or zip archive (told apart by content), paths
/// normalised by normalize_path(), in archive order. Directory entries are skipped;
/// an archive with no files gives an empty vector. Throws Error(data, field
/// "archive") naming the entry and the reason for: an input that is not such an
/// archive or is corrupt; a path normalize_path() refuses; a link, device, FIFO or
/// socket; a setuid, setgid or sticky bit; a path given twice or both as a file and a
/// folder; more than `limits` allow. Sizes are counted while decompressing, so a
/// decompression bomb stops as soon as it crosses a limit.
std::vector<ArchiveFile> read_archive(std::string_view bytes, const ArchiveLimits& limits,
                                      const common::PathLimits& paths = {});

/// `files` packed in `format`: regular files, mode 0644, owner 0, mtime 0, so the same
/// files always give the same bytes. Throws Error(usage, field "path") for a path
/// normalize_path() refuses or one given twice, Error(internal) if libarchive fails.
std::string write_archive(const std::vector<ArchiveFile>& files, ArchiveFormat format,
                          const common::PathLimits& limits = {});

} // namespace sbx::project
