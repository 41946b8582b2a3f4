#include "project/archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <new>
#include <set>

#include "config/units.hpp"
#include "error.hpp"
#include "project/archive_headers.hpp"

namespace sbx::project {
namespace {

struct ReadFree {
    void operator()(archive* handle) const noexcept { archive_read_free(handle); }
};
struct WriteFree {
    void operator()(archive* handle) const noexcept { archive_write_free(handle); }
};
struct EntryFree {
    void operator()(archive_entry* entry) const noexcept { archive_entry_free(entry); }
};
using ReadHandle = std::unique_ptr<archive, ReadFree>;
using WriteHandle = std::unique_ptr<archive, WriteFree>;
using EntryHandle = std::unique_ptr<archive_entry, EntryFree>;

// libarchive converts names between an archive's charset and the thread's locale, and
// under the "C" locale every non-ASCII name fails to convert. So the calling thread
// uses C.UTF-8 for as long as libarchive runs; the process locale is left alone.
class Utf8Locale {
  public:
    Utf8Locale() : previous_(utf8() != locale_t{} ? uselocale(utf8()) : locale_t{}) {}
    ~Utf8Locale()
    {
        if (previous_ != locale_t{})
            uselocale(previous_);
    }
    Utf8Locale(const Utf8Locale&) = delete;
    Utf8Locale& operator=(const Utf8Locale&) = delete;

  private:
    static locale_t utf8()
    {
        static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
        return locale;
    }
    locale_t previous_;
};

constexpr std::uint64_t ratio_threshold = 1 << 20;
constexpr std::size_t chunk_size = std::size_t{64} << 10;

std::string message_of(archive* handle)
{
    const char* message = archive_error_string(handle);
    return message ? common::printable(message) : "unknown libarchive error";
}

const char* type_name(unsigned type)
{
    switch (type) {
    case AE_IFLNK: return "a symbolic link";
    case AE_IFCHR: return "a character device";
    case AE_IFBLK: return "a block device";
    case AE_IFIFO: return "a FIFO";
    case AE_IFSOCK: return "a socket";
    default: return "of an unknown type";
    }
}

// A name as an archive's header holds it: a NUL or another control character in it is
// refused, naming the whole of it (libarchive would have cut it at the NUL).
std::optional<std::string> raw_name_problem(std::string_view name)
{
    for (unsigned char c : name) {
        if (c == 0)
            return "contains a NUL byte";
        if (c < 0x20 || c == 0x7f)
            return "contains a control character";
    }
    return std::nullopt;
}

// A tar's decompressed bytes on their way to libarchive's tar reader, kept from the
// current entry's first header on, so that its headers can be read as they are.
class TarStream {
  public:
    explicit TarStream(std::string_view bytes) : raw_(archive_read_new()), chunk_(chunk_size)
    {
        archive* raw = raw_.get();
        if (!raw)
            throw Error(ErrorKind::internal, "cannot read archive: libarchive is out of memory");
        for (auto* enable :
             {archive_read_support_filter_none, archive_read_support_filter_gzip, archive_read_support_format_raw})
            if (enable(raw) < ARCHIVE_WARN)
                throw Error(ErrorKind::internal, "cannot read archive: " + message_of(raw));
        archive_entry* entry = nullptr;
        if (archive_read_open_memory(raw, bytes.data(), bytes.size()) != ARCHIVE_OK ||
            archive_read_next_header(raw, &entry) < ARCHIVE_WARN)
            throw Error(ErrorKind::data, "not a tar, tar.gz or zip archive: " + message_of(raw), "archive");
    }

    /// libarchive's read callback.
    static la_ssize_t read(archive* handle, void* self, const void** buffer)
    {
        auto* stream = static_cast<TarStream*>(self);
        la_ssize_t got = archive_read_data(stream->raw_.get(), stream->chunk_.data(), stream->chunk_.size());
        if (got < 0) {
            archive_set_error(handle, EIO, "%s", message_of(stream->raw_.get()).c_str());
            return ARCHIVE_FATAL;
        }
        // An exception must not unwind through libarchive's C frames.
        try {
            stream->kept_.append(stream->chunk_.data(), static_cast<std::size_t>(got));
        } catch (const std::bad_alloc&) {
            archive_set_error(handle, ENOMEM, "out of memory");
            return ARCHIVE_FATAL;
        }
        *buffer = stream->chunk_.data();
        return got;
    }

    /// The bytes from `offset` of the decompressed stream on, as far as libarchive has
    /// read them; what comes before is dropped. Empty if they are gone.
    std::string_view from(std::uint64_t offset)
    {
        if (offset < kept_offset_ || offset - kept_offset_ > kept_.size())
            return {};
        kept_.erase(0, static_cast<std::size_t>(offset - kept_offset_));
        kept_offset_ = offset;
        return kept_;
    }

  private:
    ReadHandle raw_;
    std::vector<char> chunk_;
    std::string kept_;
    std::uint64_t kept_offset_ = 0;
};

// One pass over an untrusted archive; every check that needs state across entries.
class ArchiveReader {
  public:
    /// `zip`: the archive's bytes when it is a zip; `tar`: its stream when it is a tar.
    ArchiveReader(archive* handle, std::uint64_t input_bytes, const ArchiveLimits& limits,
                  const common::PathLimits& paths, std::optional<std::string_view> zip, TarStream* tar)
        : handle_(handle), input_bytes_(input_bytes), limits_(limits), paths_(paths), zip_(zip), tar_(tar),
          buffer_(chunk_size)
    {
    }

    std::vector<ArchiveFile> read_all()
    {
        if (zip_)
            check_zip_directory();
        archive_entry* entry = nullptr;
        for (;;) {
            int status = archive_read_next_header(handle_, &entry);
            if (status == ARCHIVE_EOF)
                break;
            // ARCHIVE_RETRY is a damaged header, and the entry is empty.
            if (status != ARCHIVE_OK && status != ARCHIVE_WARN)
                throw_unreadable();
            read_entry(entry);
        }
        return std::move(files_);
    }

  private:
    [[noreturn]] void refuse(std::string_view name, const std::string& reason) const
    {
        throw Error(ErrorKind::data, "archive entry " + common::quote_path(name) + " " + reason, "archive");
    }

    [[noreturn]] void throw_unreadable() const
    {
        if (entries_ == 0 && archive_format(handle_) == 0)
            throw Error(ErrorKind::data, "not a tar, tar.gz or zip archive: " + message_of(handle_), "archive");
        std::string where = entries_ == 0 ? "" : " after entry " + common::quote_path(last_name_);
        throw Error(ErrorKind::data, "corrupt archive" + where + ": " + message_of(handle_), "archive");
    }

    // The zip's own records, before libarchive reads any: a name libarchive would cut,
    // and a FIFO's mode, which it reads as a regular file's. (It keeps the other types,
    // and read_entry names a symbolic link's target.)
    void check_zip_directory() const
    {
        auto records = zip_central_directory(*zip_);
        if (records.empty()) // libarchive found an entry in it
            throw Error(ErrorKind::data, "corrupt archive: its central directory cannot be read", "archive");
        for (const auto& record : records) {
            check_header_names(record);
            if (record.mode && (*record.mode & AE_IFMT) != AE_IFLNK)
                check_mode(record.name, *record.mode);
        }
    }

    void check_header_names(const ZipHeader& header) const
    {
        if (auto problem = raw_name_problem(header.name))
            refuse(header.name, *problem);
        for (const auto& text : header.unicode_names)
            if (auto problem = raw_name_problem(text))
                refuse(text, *problem + " (in its Info-ZIP Unicode name)");
    }

    void check_mode(std::string_view name, std::uint64_t mode) const
    {
        auto type = static_cast<unsigned>(mode & AE_IFMT);
        if (type != 0 && type != AE_IFREG && type != AE_IFDIR)
            refuse(name, std::string("is ") + type_name(type) + " by its mode; only files and folders are allowed");
    }

    // The headers of this tar entry as they are: libarchive cuts names at a NUL and lets
    // the type flag hide the mode's type.
    void check_tar_headers(const char* name)
    {
        auto headers = parse_tar_headers(tar_->from(archive_read_header_position(handle_)));
        if (!headers)
            throw Error(ErrorKind::data,
                        "corrupt archive: the headers of entry " + std::to_string(entries_) + " cannot be read",
                        "archive");
        for (const auto& text : headers->names)
            if (auto problem = raw_name_problem(text))
                refuse(text, *problem);
        if (auto problem = raw_name_problem(headers->name))
            refuse(headers->name, *problem);
        for (const auto& text : headers->links)
            if (auto problem = raw_name_problem(text))
                refuse(headers->name, "is a link to " + common::quote_path(text) + ", which " + *problem);
        check_mode(headers->name, headers->mode);
        // Had libarchive found another name, these checks would not be about this entry.
        if (name && headers->name != name)
            refuse(name, "is named " + common::quote_path(headers->name) + " by its own header");
    }

    // libarchive, having read a zip entry's header, stands at its data.
    void check_zip_local_headers() const
    {
        auto at = static_cast<std::uint64_t>(archive_filter_bytes(handle_, 0));
        auto headers = zip_local_headers_ending_at(*zip_, at);
        if (headers.empty())
            throw Error(ErrorKind::data,
                        "corrupt archive: the local header of entry " + std::to_string(entries_) + " cannot be found",
                        "archive");
        for (const auto& header : headers)
            check_header_names(header);
    }

    void read_entry(archive_entry* entry)
    {
        ++entries_;
        const char* raw = archive_entry_pathname(entry);
        if (tar_)
            check_tar_headers(raw);
        if (!raw)
            throw Error(ErrorKind::data,
                        "archive entry " + std::to_string(entries_) + " has a name that is not valid UTF-8", "archive");
        std::string_view name = raw;
        if (name.empty())
            throw Error(ErrorKind::data, "archive entry " + std::to_string(entries_) + " has no name", "archive");
        last_name_ = name;
        check_ratio(name);
        if (entries_ > limits_.max_entries)
            refuse(name, "is one too many (at most " + std::to_string(limits_.max_entries) + " entries)");
        if (const char* target = archive_entry_hardlink(entry))
            refuse(name, "is a hard link to " + common::quote_path(target) + "; only files and folders are allowed");
        auto type = archive_entry_filetype(entry);
        if (type == AE_IFLNK) {
            const char* target = archive_entry_symlink(entry);
            refuse(name, std::string("is a symbolic link") + (target ? " to " + common::quote_path(target) : "") +
                             "; only files and folders are allowed");
        }
        if (type != AE_IFREG && type != AE_IFDIR)
            refuse(name, std::string("is ") + type_name(type) + "; only files and folders are allowed");
        if ((archive_entry_mode(entry) & 07000) != 0)
            refuse(name, "has the setuid, setgid or sticky bit set");
        if (zip_)
            check_zip_local_headers();
        if (type == AE_IFDIR) {
            add_folder(name);
            read_data(name, nullptr);
            return;
        }

        std::string path = checked_path(name);
        add_file(name, path);
        if (archive_entry_size_is_set(entry) && archive_entry_size(entry) > 0) {
            auto announced = static_cast<std::uint64_t>(archive_entry_size(entry));
            check_file_size(name, announced);
            check_total_size(name, announced);
        }
        ArchiveFile file{std::move(path), {}};
        read_data(name, &file.content);
        files_.push_back(std::move(file));
    }

    std::string checked_path(std::string_view name) const
    {
        try {
            return common::normalize_path(name, paths_);
        } catch (const Error& error) {
            throw Error(ErrorKind::data, std::string("archive entry ") + error.what(), "archive");
        }
    }

    // A folder entry ("a/b/", "./") only has to be harmless; it creates nothing.
    void add_folder(std::string_view name)
    {
        std::string_view trimmed = name;
        while (trimmed.size() > 1 && (trimmed.ends_with('/') || trimmed.ends_with("/.")))
            trimmed.remove_suffix(trimmed.ends_with('/') ? 1 : 2);
        if (trimmed == ".")
            return;
        std::string path = checked_path(trimmed);
        if (files_seen_.count(path) != 0)
            refuse(name, "is both a file and a folder");
        check_parents(name, path);
        folders_.insert(std::move(path));
    }

    void add_file(std::string_view name, const std::string& path)
    {
        if (files_seen_.count(path) != 0)
            refuse(name, "appears twice (as " + common::quote_path(path) + ")");
        if (folders_.count(path) != 0)
            refuse(name, "is both a file and a folder");
        check_parents(name, path);
        files_seen_.insert(path);
    }

    void check_parents(std::string_view name, const std::string& path)
    {
        for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
            std::string parent = path.substr(0, slash);
            if (files_seen_.count(parent) != 0)
                refuse(name, "is inside " + common::quote_path(parent) + ", which is a file");
            folders_.insert(std::move(parent));
        }
    }

    // Reads an entry's data in chunks, counting as it goes: a header's size is only a
    // claim, and a bomb must stop at the first chunk over a limit. Folder data (which
    // only a hostile archive has) is counted for the ratio and dropped.
    void read_data(std::string_view name, std::string* content)
    {
        std::uint64_t file_bytes = 0;
        for (;;) {
            la_ssize_t got = archive_read_data(handle_, buffer_.data(), buffer_.size());
            if (got == 0)
                return;
            if (got < 0)
                refuse(name, "cannot be read: " + message_of(handle_));
            auto bytes = static_cast<std::uint64_t>(got);
            decompressed_bytes_ += bytes;
            // What libarchive has consumed is data, not the next entry's headers.
            if (tar_)
                tar_->from(static_cast<std::uint64_t>(archive_filter_bytes(handle_, 0)));
            if (content) {
                file_bytes += bytes;
                check_file_size(name, file_bytes);
                check_total_size(name, bytes);
                total_bytes_ += bytes;
                content->append(buffer_.data(), bytes);
            }
            check_ratio(name);
        }
    }

    void check_file_size(std::string_view name, std::uint64_t bytes) const
    {
        if (bytes > limits_.max_file_bytes)
            refuse(name,
                   "is larger than the limit of " + config::format_bytes(limits_.max_file_bytes) + " bytes per file");
    }

    // total_bytes_ never exceeds the limit, so the subtraction cannot wrap.
    void check_total_size(std::string_view name, std::uint64_t adding) const
    {
        if (adding > limits_.max_total_bytes - total_bytes_)
            refuse(name, "takes the archive's files past their limit of " +
                             config::format_bytes(limits_.max_total_bytes) + " bytes in all");
    }

    // Tar headers, padding and anything libarchive skipped count too: the uncompressed
    // stream's position covers them.
    void check_ratio(std::string_view name) const
    {
        auto position = archive_filter_bytes(handle_, 0);
        std::uint64_t out = decompressed_bytes_;
        if (position > 0 && static_cast<std::uint64_t>(position) > out)
            out = static_cast<std::uint64_t>(position);
        if (out <= ratio_threshold || input_bytes_ == 0)
            return;
        if (static_cast<double>(out) > limits_.max_ratio * static_cast<double>(input_bytes_)) {
            char ratio[32];
            std::snprintf(ratio, sizeof ratio, "%g", limits_.max_ratio);
            refuse(name, std::string("expands the archive more than ") + ratio + " times (" + std::to_string(out) +
                             " bytes out of " + std::to_string(input_bytes_) + "): likely a decompression bomb");
        }
    }

    archive* handle_;
    std::uint64_t input_bytes_;
    const ArchiveLimits& limits_;
    const common::PathLimits& paths_;
    std::optional<std::string_view> zip_;
    TarStream* tar_;
    std::vector<char> buffer_;
    std::size_t entries_ = 0;
    std::string last_name_;
    std::uint64_t total_bytes_ = 0;
    std::uint64_t decompressed_bytes_ = 0;
    std::set<std::string> files_seen_;
    std::set<std::string> folders_;
    std::vector<ArchiveFile> files_;
};

ReadHandle new_reader(std::initializer_list<int (*)(archive*)> support)
{
    ReadHandle handle(archive_read_new());
    if (!handle)
        throw Error(ErrorKind::internal, "cannot read archive: libarchive is out of memory");
    for (auto* enable : support)
        if (enable(handle.get()) < ARCHIVE_WARN)
            throw Error(ErrorKind::internal, "cannot read archive: " + message_of(handle.get()));
    return handle;
}

la_ssize_t append_output(archive* /*handle*/, void* client, const void* buffer, size_t length)
{
    // An exception must not unwind through libarchive's C frames.
    try {
        static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
        return static_cast<la_ssize_t>(length);
    } catch (const std::bad_alloc&) {
        return ARCHIVE_FATAL;
    }
}

void check_write(archive* handle, int status, const char* step)
{
    if (status < ARCHIVE_OK)
        throw Error(ErrorKind::internal, std::string("cannot write archive: ") + step + ": " + message_of(handle));
}

} // namespace

ArchiveFormat parse_archive_format(std::string_view name)
{
    if (name == "tar")
        return ArchiveFormat::tar;
    if (name == "tar.gz" || name == "tgz")
        return ArchiveFormat::tar_gz;
    if (name == "zip")
        return ArchiveFormat::zip;
    throw Error(ErrorKind::usage, "unknown archive format '" + common::printable(name) + "' (tar, tar.gz or zip)",
                "format");
}

const char* archive_format_name(ArchiveFormat format)
{
    switch (format) {
    case ArchiveFormat::tar: return "tar";
    case ArchiveFormat::tar_gz: return "tar.gz";
    case ArchiveFormat::zip: return "zip";
    }
    return "tar";
}

const char* archive_media_type(ArchiveFormat format)
{
    switch (format) {
    case ArchiveFormat::tar: return "application/x-tar";
    case ArchiveFormat::tar_gz: return "application/gzip";
    case ArchiveFormat::zip: return "application/zip";
    }
    return "application/x-tar";
}

const char* archive_extension(ArchiveFormat format)
{
    switch (format) {
    case ArchiveFormat::tar: return ".tar";
    case ArchiveFormat::tar_gz: return ".tar.gz";
    case ArchiveFormat::zip: return ".zip";
    }
    return ".tar";
}

std::vector<ArchiveFile> read_archive(std::string_view bytes, const ArchiveLimits& limits,
                                      const common::PathLimits& paths)
{
    // libarchive's seekable zip reader cannot bid on a zip that is nothing but its
    // 22-byte end record, which is what an empty zip is.
    using namespace std::string_view_literals;
    if (bytes == "PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"sv)
        return {};
    Utf8Locale locale;
    // Only what we promise: no external filter programs, no formats nobody asked for.
    // A zip holds what its central directory lists; the streaming zip reader would
    // silently return the first files of a zip cut short.
    ReadHandle handle = new_reader({archive_read_support_filter_none, archive_read_support_filter_gzip,
                                    archive_read_support_format_tar, archive_read_support_format_zip_seekable});
    if (archive_read_open_memory(handle.get(), bytes.data(), bytes.size()) != ARCHIVE_OK)
        throw Error(ErrorKind::data, "not a tar, tar.gz or zip archive: " + message_of(handle.get()), "archive");
    // libarchive's bidders tell zip from tar; which won is known once a header is read.
    archive_entry* first = nullptr;
    int status = archive_read_next_header(handle.get(), &first);
    if (status == ARCHIVE_EOF)
        return {};
    if (status != ARCHIVE_OK && status != ARCHIVE_WARN) {
        if (archive_format(handle.get()) == 0)
            throw Error(ErrorKind::data, "not a tar, tar.gz or zip archive: " + message_of(handle.get()), "archive");
        throw Error(ErrorKind::data, "corrupt archive: " + message_of(handle.get()), "archive");
    }
    bool zip = (archive_format(handle.get()) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP;
    if (zip) {
        handle = new_reader({archive_read_support_format_zip_seekable});
        if (archive_read_open_memory(handle.get(), bytes.data(), bytes.size()) != ARCHIVE_OK)
            throw Error(ErrorKind::data, "corrupt archive: " + message_of(handle.get()), "archive");
        return ArchiveReader(handle.get(), bytes.size(), limits, paths, bytes, nullptr).read_all();
    }
    // A tar is read through a stream that keeps each entry's headers for read_entry.
    handle.reset();
    TarStream stream(bytes);
    ReadHandle tar = new_reader({archive_read_support_format_tar});
    if (archive_read_open(tar.get(), &stream, nullptr, TarStream::read, nullptr) != ARCHIVE_OK)
        throw Error(ErrorKind::data, "not a tar, tar.gz or zip archive: " + message_of(tar.get()), "archive");
    return ArchiveReader(tar.get(), bytes.size(), limits, paths, std::nullopt, &stream).read_all();
}

std::string write_archive(const std::vector<ArchiveFile>& files, ArchiveFormat format, const common::PathLimits& limits)
{
    std::vector<std::string> paths;
    std::set<std::string> seen;
    for (const auto& file : files) {
        paths.push_back(common::normalize_path(file.path, limits));
        if (!seen.insert(paths.back()).second)
            throw Error(ErrorKind::usage, "path " + common::quote_path(file.path) + " is given twice", "path");
    }

    Utf8Locale locale;
    std::string out;
    WriteHandle handle(archive_write_new());
    if (!handle)
        throw Error(ErrorKind::internal, "cannot write archive: libarchive is out of memory");
    archive* a = handle.get();
    if (format == ArchiveFormat::zip) {
        check_write(a, archive_write_set_format_zip(a), "zip format");
    } else {
        check_write(a, archive_write_set_format_pax_restricted(a), "tar format");
        if (format == ArchiveFormat::tar_gz) {
            check_write(a, archive_write_add_filter_gzip(a), "gzip filter");
            // Without this the gzip header carries the current time.
            check_write(a, archive_write_set_filter_option(a, "gzip", "timestamp", nullptr), "gzip timestamp");
        }
    }
    // Unblocked: no padding after the compressed stream or the tar end marker.
    check_write(a, archive_write_set_bytes_per_block(a, 0), "block size");
    check_write(a, archive_write_open2(a, &out, nullptr, append_output, nullptr, nullptr), "open");

    for (std::size_t i = 0; i < files.size(); ++i) {
        EntryHandle entry(archive_entry_new());
        if (!entry)
            throw Error(ErrorKind::internal, "cannot write archive: libarchive is out of memory");
        archive_entry_set_pathname(entry.get(), paths[i].c_str());
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), 0644);
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(files[i].content.size()));
        archive_entry_set_mtime(entry.get(), 0, 0);
        check_write(a, archive_write_header(a, entry.get()), "header");
        std::string_view data = files[i].content;
        while (!data.empty()) {
            la_ssize_t written = archive_write_data(a, data.data(), data.size());
            if (written <= 0)
                check_write(a, ARCHIVE_FATAL, "data");
            data.remove_prefix(static_cast<std::size_t>(written));
        }
    }
    check_write(a, archive_write_close(a), "close");
    return out;
}

} // namespace sbx::project
