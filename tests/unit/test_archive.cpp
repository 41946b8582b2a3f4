#include <catch2/catch.hpp>

#include <archive.h>
#include <archive_entry.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <tuple>

#include "error.hpp"
#include "project/archive.hpp"
#include "project/archive_headers.hpp"
#include "temp_dir.hpp"

using namespace sbx::project;
using Catch::Contains;

namespace {

constexpr std::uint64_t mib = 1 << 20;

struct WriteFree {
    void operator()(archive* handle) const { archive_write_free(handle); }
};
struct EntryFree {
    void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};

// One entry as a hostile or careless archiver might write it.
struct RawEntry {
    std::string path;
    std::string content;
    unsigned type = AE_IFREG;
    unsigned mode = 0644;
    std::string symlink;
    std::string hardlink;
};

// Writes whatever it is told with libarchive, bypassing write_archive's checks.
class TestArchive {
  public:
    /// `tar_format`: libarchive's code of the tar dialect, e.g. ARCHIVE_FORMAT_TAR_GNUTAR.
    explicit TestArchive(ArchiveFormat format, int tar_format = ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE)
        : handle_(archive_write_new())
    {
        archive* a = handle_.get();
        if (format == ArchiveFormat::zip) {
            archive_write_set_format_zip(a);
        } else {
            archive_write_set_format(a, tar_format);
            if (format == ArchiveFormat::tar_gz)
                archive_write_add_filter_gzip(a);
        }
        archive_write_set_bytes_per_block(a, 0);
        require(archive_write_open2(a, &out_, nullptr, append, nullptr, nullptr));
    }

    TestArchive& add(const RawEntry& raw)
    {
        auto entry = header(raw.path, raw.type, raw.mode, raw.content.size());
        if (!raw.symlink.empty())
            archive_entry_set_symlink(entry.get(), raw.symlink.c_str());
        if (!raw.hardlink.empty())
            archive_entry_set_hardlink(entry.get(), raw.hardlink.c_str());
        // A warning is how libarchive reports a name it could not convert to UTF-8.
        require(archive_write_header(handle_.get(), entry.get()), ARCHIVE_WARN);
        if (!raw.content.empty())
            REQUIRE(archive_write_data(handle_.get(), raw.content.data(), raw.content.size()) ==
                    static_cast<la_ssize_t>(raw.content.size()));
        return *this;
    }

    // A file of `size` zero bytes, streamed through the writer a MiB at a time.
    TestArchive& add_zeros(const std::string& path, std::uint64_t size)
    {
        auto entry = header(path, AE_IFREG, 0644, size);
        require(archive_write_header(handle_.get(), entry.get()));
        std::string zeros(mib, '\0');
        for (std::uint64_t left = size; left > 0;) {
            std::size_t chunk = left < mib ? static_cast<std::size_t>(left) : zeros.size();
            REQUIRE(archive_write_data(handle_.get(), zeros.data(), chunk) == static_cast<la_ssize_t>(chunk));
            left -= chunk;
        }
        return *this;
    }

    std::string finish()
    {
        require(archive_write_close(handle_.get()));
        return std::move(out_);
    }

  private:
    static la_ssize_t append(archive*, void* client, const void* buffer, size_t length)
    {
        static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
        return static_cast<la_ssize_t>(length);
    }

    std::unique_ptr<archive_entry, EntryFree> header(const std::string& path, unsigned type, unsigned mode,
                                                     std::uint64_t size)
    {
        std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
        archive_entry_set_pathname(entry.get(), path.c_str());
        archive_entry_set_filetype(entry.get(), type);
        archive_entry_set_perm(entry.get(), mode);
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
        if (type == AE_IFCHR || type == AE_IFBLK)
            archive_entry_set_rdev(entry.get(), 0x0103); // 1:3, /dev/null
        return entry;
    }

    void require(int status, int worst = ARCHIVE_OK)
    {
        INFO(archive_error_string(handle_.get()));
        REQUIRE(status >= worst);
    }

    std::string out_; // outlives handle_, whose destructor may still write
    std::unique_ptr<archive, WriteFree> handle_;
};

std::string make_archive(ArchiveFormat format, const std::vector<RawEntry>& entries)
{
    TestArchive archive(format);
    for (const auto& entry : entries)
        archive.add(entry);
    return archive.finish();
}

// The message of the data error read_archive throws; fails the test if it accepts.
std::string refusal(std::string_view bytes, const ArchiveLimits& limits = {})
{
    try {
        read_archive(bytes, limits);
    } catch (const sbx::Error& error) {
        CHECK(error.kind() == sbx::ErrorKind::data);
        CHECK(error.field() == "archive");
        return error.what();
    }
    FAIL_CHECK("read_archive accepted the archive");
    return "";
}

// Overwrites part of the tar header block at `header` and recomputes its checksum, as a
// hostile archiver would.
void patch_tar_header(std::string& tar, std::size_t header, std::size_t offset, std::string_view text)
{
    tar.replace(header + offset, text.size(), text);
    tar.replace(header + 148, 8, 8, ' ');
    unsigned sum = 0;
    for (std::size_t i = 0; i < 512; ++i)
        sum += static_cast<unsigned char>(tar[header + i]);
    char field[8];
    std::snprintf(field, sizeof field, "%06o", sum);
    tar.replace(header + 148, 7, field, 7);
}

// The offset of the (non-pax) header block of the entry called `name`.
std::size_t tar_header_of(const std::string& tar, std::string_view name)
{
    for (std::size_t offset = 0; offset + 512 <= tar.size(); offset += 512)
        if (tar.compare(offset, name.size(), name) == 0 && tar[offset + name.size()] == '\0' &&
            tar[offset + 156] != 'x')
            return offset;
    FAIL("no header for " << name);
    return 0;
}

// Replaces every `from` in `bytes` with `to`, of the same length; at least one must be there.
void replace_all(std::string& bytes, std::string_view from, std::string_view to)
{
    REQUIRE(from.size() == to.size());
    std::size_t count = 0;
    for (auto at = bytes.find(from); at != std::string::npos; at = bytes.find(from, at + 1), ++count)
        bytes.replace(at, to.size(), to);
    REQUIRE(count > 0);
}

// `bytes` gzipped by libarchive (the raw format writes one entry's data as the stream).
std::string gzipped(const std::string& bytes)
{
    std::string out;
    std::unique_ptr<archive, WriteFree> handle(archive_write_new());
    archive* a = handle.get();
    REQUIRE(archive_write_set_format_raw(a) == ARCHIVE_OK);
    REQUIRE(archive_write_add_filter_gzip(a) == ARCHIVE_OK);
    REQUIRE(archive_write_open2(
                a, &out, nullptr,
                [](archive*, void* client, const void* buffer, size_t length) -> la_ssize_t {
                    static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
                    return static_cast<la_ssize_t>(length);
                },
                nullptr, nullptr) == ARCHIVE_OK);
    std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), "data");
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(bytes.size()));
    REQUIRE(archive_write_header(a, entry.get()) == ARCHIVE_OK);
    REQUIRE(archive_write_data(a, bytes.data(), bytes.size()) == static_cast<la_ssize_t>(bytes.size()));
    REQUIRE(archive_write_close(a) == ARCHIVE_OK);
    handle.reset();
    REQUIRE(out.substr(0, 2) == "\x1f\x8b");
    return out;
}

// A zip of one file whose central directory says it was made on Unix with `mode`.
std::string zip_with_mode(const std::string& name, unsigned mode)
{
    auto zip = make_archive(ArchiveFormat::zip, {{name, "data"}});
    auto central = zip.rfind("PK\x01\x02");
    REQUIRE(central != std::string::npos);
    zip[central + 5] = 3; // made by: Unix
    zip[central + 40] = static_cast<char>(mode & 0xff);
    zip[central + 41] = static_cast<char>((mode >> 8) & 0xff);
    return zip;
}

std::map<std::string, std::string> as_map(const std::vector<ArchiveFile>& files)
{
    std::map<std::string, std::string> map;
    for (const auto& file : files)
        map[file.path] = file.content;
    return map;
}

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

const std::vector<ArchiveFile>& sample_files()
{
    static const std::vector<ArchiveFile> files = [] {
        std::string binary;
        for (int i = 0; i < 3 * 256; ++i)
            binary += static_cast<char>(i % 256);
        std::string large;
        for (std::uint32_t x = 1; large.size() < 300'000;) {
            x = x * 1664525 + 1013904223; // reproducible noise that gzip cannot squeeze
            large += static_cast<char>(x >> 24);
        }
        return std::vector<ArchiveFile>{
            {"main.c", "int main(void) { return 0; }\n"},
            {"src/lib/util.h", "#pragma once\n"},
            {"src/lib/deep/er/still/x.txt", "x"},
            {"empty", ""},
            {"bin/blob", binary},
            {"nul", std::string("\0\0a\0", 4)},
            {"d\xc3\xa9j\xc3\xa0 vu/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.txt", "\xf0\x9f\x98\x80\n"},
            {"data/large.bin", large},
        };
    }();
    return files;
}

bool same_files(const std::vector<ArchiveFile>& a, const std::vector<ArchiveFile>& b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].path != b[i].path || a[i].content != b[i].content)
            return false;
    return true;
}

} // namespace

TEST_CASE("archive formats have names, media types and extensions", "[archive]")
{
    CHECK(parse_archive_format("tar") == ArchiveFormat::tar);
    CHECK(parse_archive_format("tar.gz") == ArchiveFormat::tar_gz);
    CHECK(parse_archive_format("tgz") == ArchiveFormat::tar_gz);
    CHECK(parse_archive_format("zip") == ArchiveFormat::zip);
    for (auto format : {ArchiveFormat::tar, ArchiveFormat::tar_gz, ArchiveFormat::zip})
        CHECK(parse_archive_format(archive_format_name(format)) == format);
    CHECK(std::string(archive_media_type(ArchiveFormat::tar)) == "application/x-tar");
    CHECK(std::string(archive_media_type(ArchiveFormat::tar_gz)) == "application/gzip");
    CHECK(std::string(archive_media_type(ArchiveFormat::zip)) == "application/zip");
    CHECK(std::string(archive_extension(ArchiveFormat::tar)) == ".tar");
    CHECK(std::string(archive_extension(ArchiveFormat::tar_gz)) == ".tar.gz");
    CHECK(std::string(archive_extension(ArchiveFormat::zip)) == ".zip");
    try {
        parse_archive_format("rar");
        FAIL("rar accepted");
    } catch (const sbx::Error& error) {
        CHECK(error.kind() == sbx::ErrorKind::usage);
        CHECK(error.field() == "format");
        CHECK(std::string(error.what()) == "unknown archive format 'rar' (tar, tar.gz or zip)");
    }
}

TEST_CASE("write_archive then read_archive gives the same files in every format", "[archive]")
{
    for (auto format : {ArchiveFormat::tar, ArchiveFormat::tar_gz, ArchiveFormat::zip}) {
        INFO(archive_format_name(format));
        auto bytes = write_archive(sample_files(), format);
        CHECK(same_files(read_archive(bytes, {}), sample_files()));
        CHECK(write_archive(sample_files(), format) == bytes);
        CHECK(read_archive(write_archive({}, format), {}).empty());
    }
    auto tar_gz = write_archive(sample_files(), ArchiveFormat::tar_gz);
    CHECK(tar_gz.substr(0, 2) == "\x1f\x8b");
    CHECK(tar_gz.substr(4, 4) == std::string(4, '\0')); // no timestamp in the gzip header
    CHECK(write_archive(sample_files(), ArchiveFormat::zip).substr(0, 4) == "PK\x03\x04");
}

TEST_CASE("write_archive normalises paths and refuses bad ones", "[archive]")
{
    auto files = read_archive(write_archive({{"./src//a.c", "a"}}, ArchiveFormat::tar), {});
    REQUIRE(files.size() == 1);
    CHECK(files[0].path == "src/a.c");
    for (const std::vector<ArchiveFile>& bad :
         {std::vector<ArchiveFile>{{"../up", ""}}, std::vector<ArchiveFile>{{"/abs", ""}},
          std::vector<ArchiveFile>{{"a", ""}, {"./a", ""}}}) {
        try {
            write_archive(bad, ArchiveFormat::zip);
            FAIL("write_archive accepted " + bad.back().path);
        } catch (const sbx::Error& error) {
            CHECK(error.kind() == sbx::ErrorKind::usage);
            CHECK(error.field() == "path");
            CHECK_THAT(error.what(), Contains(bad.back().path));
        }
    }
}

TEST_CASE("archives made by tar and python's zipfile read correctly", "[archive]")
{
    sbx::test::TempDir dir;
    dir.write("project/main.py", "print('hi')\n");
    dir.write("project/pkg/__init__.py", "");
    dir.write("project/pkg/\xc3\xbcn\xc3\xaf.txt", "unicode\n");
    dir.write("project/bin/nul", std::string("\0\1\2", 3));
    // Longer than a ustar name field: a GNU long name, a pax path, a ustar prefix.
    const std::string long_path = "pkg/" + std::string(60, 'd') + "/" + std::string(60, 'f') + ".txt";
    dir.write("project/" + long_path, "long\n");
    std::map<std::string, std::string> expected = {{"main.py", "print('hi')\n"},
                                                   {"pkg/__init__.py", ""},
                                                   {"pkg/\xc3\xbcn\xc3\xaf.txt", "unicode\n"},
                                                   {"bin/nul", std::string("\0\1\2", 3)},
                                                   {long_path, "long\n"}};
    auto in_dir = "cd '" + (dir.path() / "project").string() + "' && ";

    REQUIRE(std::system((in_dir + "tar czf ../dot.tgz . && tar cf ../plain.tar --format=gnu main.py pkg bin"
                                  " && tar cf ../pax.tar --format=pax . && tar cf ../ustar.tar --format=ustar ."
                                  " && python3 -c \"import tarfile\n"
                                  "for f in (tarfile.GNU_FORMAT, tarfile.PAX_FORMAT, tarfile.USTAR_FORMAT):\n"
                                  "    with tarfile.open('../py%d.tar.gz' % f, 'w:gz', format=f) as t:\n"
                                  "        t.add('.')\n\"")
                            .c_str()) == 0);
    for (auto name : {"dot.tgz", "plain.tar", "pax.tar", "ustar.tar", "py0.tar.gz", "py1.tar.gz", "py2.tar.gz"}) {
        INFO(name);
        CHECK(as_map(read_archive(read_file(dir.path() / name), {})) == expected);
    }

    REQUIRE(std::system((in_dir + "python3 -c \"import os, zipfile\n"
                                  "with zipfile.ZipFile('../py.zip', 'w', zipfile.ZIP_DEFLATED) as z:\n"
                                  "    for root, dirs, files in os.walk('.'):\n"
                                  "        for name in dirs + files:\n"
                                  "            z.write(os.path.join(root, name))\n\"")
                            .c_str()) == 0);
    CHECK(as_map(read_archive(read_file(dir.path() / "py.zip"), {})) == expected);
}

TEST_CASE("read_archive refuses what is not an archive", "[archive]")
{
    CHECK_THAT(refusal("this is not an archive, just some text that goes on for a while"),
               Contains("not a tar, tar.gz or zip archive: "));
    CHECK_THAT(refusal(""), Contains("not a tar, tar.gz or zip archive"));
    CHECK_THAT(refusal(std::string(4096, '\x42')), Contains("not a tar, tar.gz or zip archive"));
    auto tar_gz = write_archive(sample_files(), ArchiveFormat::tar_gz);
    CHECK_FALSE(refusal(tar_gz.substr(0, tar_gz.size() / 2)).empty());
    auto zip = write_archive(sample_files(), ArchiveFormat::zip);
    CHECK_THAT(refusal(zip.substr(0, zip.size() - 30)), Contains("not a tar, tar.gz or zip archive"));
    CHECK_THAT(refusal(zip.substr(0, 21)), Contains("not a tar, tar.gz or zip archive"));
    auto corrupt = zip;
    corrupt[60] = static_cast<char>(corrupt[60] ^ 0x55);
    CHECK_FALSE(refusal(corrupt).empty());
}

TEST_CASE("read_archive skips folders and keeps nothing but regular files", "[archive]")
{
    for (auto format : {ArchiveFormat::tar, ArchiveFormat::tar_gz, ArchiveFormat::zip}) {
        INFO(archive_format_name(format));
        auto bytes = make_archive(format, {{"./", "", AE_IFDIR, 0755},
                                           {"src/", "", AE_IFDIR, 0755},
                                           {"src/a.c", "a"},
                                           {"./src/b.c", "b"},
                                           {"src/./sub/.", "", AE_IFDIR, 0700}});
        CHECK(as_map(read_archive(bytes, {})) ==
              std::map<std::string, std::string>{{"src/a.c", "a"}, {"src/b.c", "b"}});
    }
}

TEST_CASE("read_archive refuses hostile entries and names them", "[archive]")
{
    struct Case {
        std::string what;
        std::vector<RawEntry> entries;
        std::string entry; // as it appears in the message
        std::string reason;
    };
    std::vector<Case> cases = {
        {"absolute path", {{"/etc/cron.d/evil", "x"}}, "/etc/cron.d/evil", "is absolute"},
        {"parent", {{"../x", "x"}}, "../x", "contains '..'"},
        {"nested parent", {{"a/../../x", "x"}}, "a/../../x", "contains '..'"},
        {"parent folder", {{"../up/", "", AE_IFDIR, 0755}}, "../up", "contains '..'"},
        {"absolute folder", {{"/", "", AE_IFDIR, 0755}}, "/", "is absolute"},
        {"control character", {{"a\x1b[2Jb", "x"}}, "a\\x1b[2Jb", "control character"},
        {"duplicate", {{"src/main.c", "1"}, {"./src//main.c", "2"}}, "./src//main.c", "appears twice"},
        {"file and folder", {{"a", "1"}, {"a/b", "2"}}, "a/b", "is inside 'a', which is a file"},
        {"folder and file", {{"a/", "", AE_IFDIR, 0755}, {"a", "2"}}, "a", "is both a file and a folder"},
        {"symlink", {{"link", "", AE_IFLNK, 0777, "/etc/passwd"}}, "link", "is a symbolic link to '/etc/passwd'"},
        {"setuid", {{"suid", "x", AE_IFREG, 04755}}, "suid", "setuid"},
        {"setgid folder", {{"shared/", "", AE_IFDIR, 02775}}, "shared/", "setgid"},
        {"sticky", {{"tmp/", "", AE_IFDIR, 01777}}, "tmp/", "sticky"},
    };
    for (auto format : {ArchiveFormat::tar, ArchiveFormat::tar_gz, ArchiveFormat::zip}) {
        for (const auto& c : cases) {
            INFO(archive_format_name(format) << ": " << c.what);
            auto message = refusal(make_archive(format, c.entries));
            CHECK_THAT(message, Contains("'" + c.entry + "'"));
            CHECK_THAT(message, Contains(c.reason));
        }
    }
    // What only tar can carry.
    std::vector<Case> tar_cases = {
        {"hard link",
         {{"target", "x"}, {"link", "", AE_IFREG, 0644, "", "target"}},
         "link",
         "is a hard link to 'target'"},
        {"hard link out", {{"link", "", AE_IFREG, 0644, "", "/etc/shadow"}}, "link", "is a hard link"},
        {"character device", {{"dev/null", "", AE_IFCHR, 0666}}, "dev/null", "is a character device"},
        {"block device", {{"sda", "", AE_IFBLK, 0660}}, "sda", "is a block device"},
        {"fifo", {{"pipe", "", AE_IFIFO, 0644}}, "pipe", "is a FIFO"},
        {"backslash", {{"a\\b", "x"}}, "a\\\\b", "backslash"},
        {"not UTF-8", {{"latin1-\xe9.txt", "x"}}, "latin1-\\xe9.txt", "not valid UTF-8"},
    };
    for (auto format : {ArchiveFormat::tar, ArchiveFormat::tar_gz}) {
        for (const auto& c : tar_cases) {
            INFO(archive_format_name(format) << ": " << c.what);
            auto message = refusal(make_archive(format, c.entries));
            CHECK_THAT(message, Contains("'" + c.entry + "'"));
            CHECK_THAT(message, Contains(c.reason));
        }
    }
    // libarchive reads a backslash in a zip entry's name as a Windows separator.
    CHECK_THAT(refusal(make_archive(ArchiveFormat::zip, {{"..\\x", "x"}})), Contains("'../x' contains '..'"));
    CHECK(read_archive(make_archive(ArchiveFormat::zip, {{"a\\b", "x"}}), {}).at(0).path == "a/b");
}

TEST_CASE("read_archive enforces its path limits", "[archive]")
{
    auto bytes = make_archive(ArchiveFormat::tar, {{std::string(300, 'n'), "x"}});
    CHECK_THAT(refusal(bytes), Contains("is too long"));
    CHECK(read_archive(bytes, {}, {.max_length = 300, .max_segment = 300}).size() == 1);
    auto deep = make_archive(ArchiveFormat::zip, {{"a/b/c/d", "x"}});
    try {
        read_archive(deep, {}, {.max_depth = 3});
        FAIL("too deep accepted");
    } catch (const sbx::Error& error) {
        CHECK_THAT(error.what(), Contains("'a/b/c/d' is too deep"));
    }
}

TEST_CASE("read_archive enforces counts and sizes", "[archive]")
{
    for (auto format : {ArchiveFormat::tar, ArchiveFormat::tar_gz, ArchiveFormat::zip}) {
        INFO(archive_format_name(format));
        std::vector<RawEntry> many;
        for (int i = 0; i < 11; ++i)
            many.push_back({"f" + std::to_string(i), "x"});
        auto bytes = make_archive(format, many);
        CHECK(read_archive(bytes, {.max_entries = 11}).size() == 11);
        auto message = refusal(bytes, {.max_entries = 10});
        CHECK_THAT(message, Contains("'f10'"));
        CHECK_THAT(message, Contains("at most 10 entries"));

        bytes = make_archive(format, {{"small", "x"}, {"big", std::string(1001, 'b')}});
        CHECK(read_archive(bytes, {.max_file_bytes = 1001}).size() == 2);
        message = refusal(bytes, {.max_file_bytes = 1000});
        CHECK_THAT(message, Contains("'big'"));
        CHECK_THAT(message, Contains("per file"));

        bytes = make_archive(format, {{"a", std::string(900, 'a')},
                                      {"b", std::string(900, 'b')},
                                      {"c", std::string(900, 'c')},
                                      {"d", std::string(900, 'd')}});
        CHECK(read_archive(bytes, {.max_total_bytes = 3600, .max_file_bytes = 1000}).size() == 4);
        message = refusal(bytes, {.max_total_bytes = 3000, .max_file_bytes = 1000});
        CHECK_THAT(message, Contains("'d'"));
        CHECK_THAT(message, Contains("in all"));
    }
}

TEST_CASE("read_archive stops decompression bombs early", "[archive]")
{
    using Clock = std::chrono::steady_clock;
    auto seconds_since = [](Clock::time_point start) {
        return std::chrono::duration<double>(Clock::now() - start).count();
    };
    // Both files decompress to a thousand times their size.
    static const std::string tar_gz_bomb = TestArchive(ArchiveFormat::tar_gz).add_zeros("zeros", 1024 * mib).finish();
    static const std::string zip_bomb = TestArchive(ArchiveFormat::zip).add_zeros("zeros", 200 * mib).finish();
    CHECK(tar_gz_bomb.size() < 2 * mib);
    CHECK(zip_bomb.size() < mib);
    // Only the ratio can stop these: the size limits would let the whole file through.
    ArchiveLimits generous{.max_total_bytes = 2048 * mib, .max_file_bytes = 2048 * mib};

    for (const auto* bomb : {&tar_gz_bomb, &zip_bomb}) {
        INFO((bomb == &zip_bomb ? "zip" : "tar.gz") << " bomb of " << bomb->size() << " bytes");
        auto start = Clock::now();
        auto message = refusal(*bomb);
        CHECK(seconds_since(start) < 2);
        CHECK_THAT(message, Contains("'zeros' is larger than the limit of 1M bytes per file"));

        start = Clock::now();
        message = refusal(*bomb, generous);
        double elapsed = seconds_since(start);
        INFO(message << " after " << elapsed << " s");
        CHECK(elapsed < 2);
        CHECK_THAT(message, Contains("'zeros' expands the archive more than 100 times"));
        CHECK_THAT(message, Contains("decompression bomb"));

        // Damaged near its end, the bomb is still refused for what it expands to: had
        // read_archive decompressed the whole entry first, it would report the damage.
        auto damaged = *bomb;
        damaged[damaged.size() * 9 / 10] ^= '\xff';
        message = refusal(damaged, generous);
        CHECK_THAT(message, Contains("decompression bomb"));
    }
}

TEST_CASE("read_archive counts what comes out, not what the headers claim", "[archive]")
{
    // A zip whose three size fields all say 10 bytes for what inflates to 8 MiB.
    auto zip = TestArchive(ArchiveFormat::zip).add_zeros("liar", 8 * mib).finish();
    auto central = zip.rfind("PK\x01\x02");
    auto descriptor = zip.rfind("PK\x07\x08", central);
    REQUIRE(zip.substr(0, 4) == "PK\x03\x04");
    REQUIRE(central != std::string::npos);
    REQUIRE(descriptor != std::string::npos);
    const char ten[4] = {10, 0, 0, 0};
    for (auto offset : {std::size_t{22}, central + 24, descriptor + 12})
        zip.replace(offset, 4, ten, 4);

    auto message = refusal(zip);
    CHECK_THAT(message, Contains("'liar' is larger than the limit of 1M bytes per file"));
    message = refusal(zip, {.max_total_bytes = 4 * mib, .max_file_bytes = 16 * mib, .max_ratio = 1e6});
    CHECK_THAT(message, Contains("'liar' takes the archive's files past their limit of 4M bytes in all"));
    CHECK_THAT(refusal(zip, {.max_total_bytes = 16 * mib, .max_file_bytes = 16 * mib}), Contains("bomb"));
    // Within the limits, libarchive notices the lie once the entry is read to its end.
    message = refusal(zip, {.max_total_bytes = 16 * mib, .max_file_bytes = 16 * mib, .max_ratio = 1e6});
    CHECK_THAT(message, Contains("'liar' cannot be read"));
}

TEST_CASE("read_archive takes an empty archive for no files", "[archive]")
{
    sbx::test::TempDir dir;
    REQUIRE(std::system(("cd '" + dir.path().string() +
                         "' && python3 -c \"import zipfile; zipfile.ZipFile('empty.zip', 'w').close()\""
                         " && tar cf empty.tar --files-from /dev/null && gzip -k empty.tar")
                            .c_str()) == 0);
    for (auto name : {"empty.zip", "empty.tar", "empty.tar.gz"}) {
        INFO(name);
        CHECK(read_archive(read_file(dir.path() / name), {}).empty());
    }
    CHECK(read_archive(make_archive(ArchiveFormat::zip, {{"only/", "", AE_IFDIR, 0755}}), {}).empty());
}

TEST_CASE("read_archive refuses special files by their mode, whatever the type field says", "[archive]")
{
    struct Case {
        unsigned mode;
        std::string type;
    };
    const std::vector<Case> cases = {{0010644, "a FIFO"},
                                     {0020644, "a character device"},
                                     {0060644, "a block device"},
                                     {0140644, "a socket"},
                                     {0120777, "a symbolic link"}};
    for (const auto& c : cases) {
        INFO(c.type);
        // A zip's type is its mode in the external attributes; libarchive reads a FIFO
        // there as a regular file (a workaround for Info-ZIP reading from a pipe).
        auto message = refusal(zip_with_mode("pipe", c.mode));
        CHECK_THAT(message, Contains("'pipe'"));
        CHECK_THAT(message, Contains(c.type));

        // A tar's type flag says regular file ('0'), its mode field says otherwise.
        auto tar = make_archive(ArchiveFormat::tar, {{"pipe", "data"}});
        char mode[8];
        std::snprintf(mode, sizeof mode, "%07o", c.mode);
        patch_tar_header(tar, tar_header_of(tar, "pipe"), 100, std::string_view(mode, 8));
        for (const auto& bytes : {tar, gzipped(tar)}) {
            message = refusal(bytes);
            CHECK_THAT(message, Contains("'pipe'"));
            CHECK_THAT(message, Contains(c.type));
        }
    }
    // The type bits of a regular file or a folder, as some archivers write them, are fine.
    auto zip = zip_with_mode("plain", 0100644);
    CHECK(as_map(read_archive(zip, {})) == std::map<std::string, std::string>{{"plain", "data"}});
    auto tar = make_archive(ArchiveFormat::tar, {{"dir/", "", AE_IFDIR, 0755}, {"dir/plain", "data"}});
    patch_tar_header(tar, tar_header_of(tar, "dir/"), 100, std::string_view("0040755", 8));
    patch_tar_header(tar, tar_header_of(tar, "dir/plain"), 100, std::string_view("0100644", 8));
    CHECK(as_map(read_archive(tar, {})) == std::map<std::string, std::string>{{"dir/plain", "data"}});
}

TEST_CASE("read_archive refuses a name with a NUL or control character, naming it whole", "[archive]")
{
    auto refused_tars = [](const std::string& tar, const std::string& entry, const std::string& reason) {
        for (const auto& bytes : {tar, gzipped(tar)}) {
            auto message = refusal(bytes);
            CHECK_THAT(message, Contains("archive entry '" + entry + "'"));
            CHECK_THAT(message, Contains(reason));
        }
    };
    // A pax path record is length-delimited, so it can hold a NUL; libarchive keeps what
    // comes before it ("a"), or falls back to the ustar name when nothing does.
    const std::string accented = "a\xc3\xa9.py"; // not ASCII: libarchive writes a pax path
    auto pax = make_archive(ArchiveFormat::tar, {{accented, "x"}});
    REQUIRE(pax.find("path=" + accented + "\n") != std::string::npos);
    for (auto [patch, entry, reason] : {std::tuple{std::string("\0b", 2), "a\\x00b.py", "NUL"},
                                        std::tuple{std::string("b\0", 2), "ab\\x00.py", "NUL"},
                                        std::tuple{std::string("\nb", 2), "a\\x0ab.py", "control character"}}) {
        INFO(entry);
        auto tar = pax;
        replace_all(tar, "path=" + accented, "path=a" + patch + ".py");
        refused_tars(tar, entry, reason);
    }
    auto tar = make_archive(ArchiveFormat::tar, {{"\xc3\xa9vil.py", "x"}});
    replace_all(tar, "path=\xc3\xa9vil.py", std::string("path=\0evil.py", 13));
    refused_tars(tar, "\\x00evil.py", "NUL");

    // A GNU long name ('L' entry) ends in a NUL; one inside it is hostile.
    std::string long_name = std::string(120, 'n') + ".py";
    auto gnu = TestArchive(ArchiveFormat::tar, ARCHIVE_FORMAT_TAR_GNUTAR).add({long_name, "x"}).finish();
    REQUIRE(gnu.find("././@LongLink") != std::string::npos);
    CHECK(as_map(read_archive(gnu, {}, {.max_segment = 200})).count(long_name) == 1);
    auto cut = long_name;
    cut[50] = '\0';
    replace_all(gnu, long_name, cut);
    refused_tars(gnu, std::string(50, 'n') + "\\x00" + std::string(69, 'n') + ".py", "NUL");

    // A zip's names have a length, so they can hold a NUL too: in the local header (which
    // libarchive reads), in the central directory, or in both.
    const std::string plain = "main.pyXevil.txt";
    auto zip = make_archive(ArchiveFormat::zip, {{"first.py", "1"}, {plain, "x"}});
    auto local = zip.find(plain);
    auto central = zip.rfind(plain);
    REQUIRE(local < central);
    for (auto [c, entry, reason] : {std::tuple{'\0', "main.py\\x00evil.txt", "NUL"},
                                    std::tuple{'\n', "main.py\\x0aevil.txt", "control character"},
                                    std::tuple{'\x7f', "main.py\\x7fevil.txt", "control character"},
                                    std::tuple{'\x01', "main.py\\x01evil.txt", "control character"}}) {
        for (auto where : {std::vector<std::size_t>{local, central}, std::vector<std::size_t>{local},
                           std::vector<std::size_t>{central}}) {
            INFO(entry << " patched at " << where.size() << " place(s), first " << where.front());
            auto bytes = zip;
            for (auto at : where)
                bytes[at + 7] = c;
            auto message = refusal(bytes);
            CHECK_THAT(message, Contains("archive entry '" + std::string(entry) + "'"));
            CHECK_THAT(message, Contains(reason));
        }
    }
}

TEST_CASE("read_archive refuses a link target or Info-ZIP name with a NUL", "[archive]")
{
    // A pax linkpath record cut at its NUL would name another target.
    auto tar = make_archive(ArchiveFormat::tar, {{"link", "", AE_IFLNK, 0777, "/etc/p\xc3\xa9sswd"}});
    replace_all(tar, "linkpath=/etc/p\xc3\xa9sswd", std::string("linkpath=/etc/p\0bsswd", 21));
    auto message = refusal(tar);
    CHECK_THAT(message, Contains("archive entry 'link' is a link to '/etc/p\\x00bsswd', which contains a NUL byte"));

    // An Info-ZIP Unicode Path field (0x7075: version, CRC-32 of the name, UTF-8 name),
    // made here from the 11 bytes of libarchive's "ux" field in the local header.
    auto zip = make_archive(ArchiveFormat::zip, {{"main.py", "x"}});
    auto ux = zip.find(std::string("ux\x0b\x00", 4));
    REQUIRE(ux != std::string::npos);
    zip.replace(ux, 15,
                std::string("up\x0b\x00\x01\x00\x00\x00\x00"
                            "a\0b.py",
                            15));
    message = refusal(zip);
    CHECK_THAT(message, Contains("archive entry 'a\\x00b.py' contains a NUL byte (in its Info-ZIP Unicode name)"));
}

TEST_CASE("read_archive survives any damage to the headers it reads itself", "[archive]")
{
    // Every cut and every flipped byte ends in files or an sbx::Error, never another
    // exception or a crash: the headers are read as bytes from an untrusted source.
    std::string long_name = std::string(120, 'n') + ".py";
    auto gnu = TestArchive(ArchiveFormat::tar, ARCHIVE_FORMAT_TAR_GNUTAR).add({long_name, "x"}).finish();
    auto pax = make_archive(ArchiveFormat::tar, {{"a\xc3\xa9.py", "x"}, {"l", "", AE_IFLNK, 0777, "t\xc3\xa9"}});
    auto zip = make_archive(ArchiveFormat::zip, {{"first.py", "1"}, {"dir/second.py", "2"}});
    for (const auto* bytes : {&gnu, &pax, &zip}) {
        for (std::size_t i = 0; i < bytes->size(); ++i) {
            for (auto damaged : {bytes->substr(0, i), *bytes}) {
                if (damaged.size() == bytes->size())
                    damaged[i] = static_cast<char>(damaged[i] ^ 0xa5);
                try {
                    read_archive(damaged, {});
                } catch (const sbx::Error&) {
                }
            }
        }
    }
    CHECK_FALSE(parse_tar_headers(gnu.substr(0, 700)));
    CHECK(parse_tar_headers(gnu)->name == long_name);
    CHECK(zip_local_headers_ending_at(zip, 3).empty());
    CHECK(zip_central_directory(zip.substr(0, zip.size() - 1)).empty());
}
