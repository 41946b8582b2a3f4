#include "project/archive_headers.hpp"

#include <algorithm>
#include <cstring>

namespace sbx::project {
namespace {

constexpr std::size_t block = 512;
constexpr std::uint64_t max_special_header = 1 << 20; // libarchive's "Special header too large"
constexpr int max_special_headers = 32;

std::uint16_t le16(std::string_view s, std::size_t at)
{
    return static_cast<std::uint16_t>(static_cast<unsigned char>(s[at]) | static_cast<unsigned char>(s[at + 1]) << 8);
}

std::uint32_t le32(std::string_view s, std::size_t at)
{
    return static_cast<std::uint32_t>(le16(s, at)) | static_cast<std::uint32_t>(le16(s, at + 2)) << 16;
}

std::uint64_t le64(std::string_view s, std::size_t at)
{
    return static_cast<std::uint64_t>(le32(s, at)) | static_cast<std::uint64_t>(le32(s, at + 4)) << 32;
}

// A fixed-width header field, as far as its first NUL.
std::string_view field(std::string_view header, std::size_t at, std::size_t width)
{
    std::string_view f = header.substr(at, width);
    return f.substr(0, f.find('\0'));
}

std::string_view up_to_nul(std::string_view s)
{
    return s.substr(0, s.find('\0'));
}

std::string_view without_trailing_nuls(std::string_view s)
{
    while (!s.empty() && s.back() == '\0')
        s.remove_suffix(1);
    return s;
}

// A numeric tar field as libarchive reads it: octal after blanks, or base-256 when the
// first byte has its high bit set. nullopt for a negative or oversized value.
std::optional<std::uint64_t> tar_number(std::string_view f)
{
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(f[i]); };
    if (!f.empty() && (byte(0) & 0x80) != 0) {
        if ((byte(0) & 0x40) != 0)
            return std::nullopt;
        std::uint64_t value = byte(0) & 0x3f;
        for (std::size_t i = 1; i < f.size(); ++i) {
            if (value >> 55 != 0)
                return std::nullopt;
            value = value << 8 | byte(i);
        }
        return value;
    }
    std::size_t i = 0;
    while (i < f.size() && (f[i] == ' ' || f[i] == '\t'))
        ++i;
    if (i < f.size() && f[i] == '-')
        return std::nullopt;
    std::uint64_t value = 0;
    for (; i < f.size() && f[i] >= '0' && f[i] <= '7'; ++i) {
        if (value >> 60 != 0)
            return std::nullopt;
        value = value * 8 + static_cast<std::uint64_t>(f[i] - '0');
    }
    return value;
}

// The records of a pax header (pax_header() in libarchive 3.6): names and link targets go
// to `headers`; the path libarchive takes from it, if any, is returned. A malformed
// record ends the parse, and libarchive then applies no path at all.
std::optional<std::string> read_pax(std::string_view body, TarHeaders& headers)
{
    std::string path;
    std::string sparse_name;
    while (!body.empty()) {
        std::size_t length = 0;
        std::size_t i = 0;
        for (; i < body.size() && body[i] != ' '; ++i) {
            if (body[i] < '0' || body[i] > '9' || length > 99999)
                return std::nullopt;
            length = length * 10 + static_cast<std::size_t>(body[i] - '0');
        }
        if (i == body.size())
            return std::nullopt;
        if (length > body.size() || length < 1 || body[length - 1] != '\n' || i + 1 >= length)
            return std::nullopt;
        std::string_view record = body.substr(i + 1, length - i - 2);
        std::size_t equals = up_to_nul(record).find('=');
        if (equals == std::string_view::npos || equals == 0)
            return std::nullopt;
        std::string_view key = record.substr(0, equals);
        std::string_view value = record.substr(equals + 1);
        if (key == "path" || key == "GNU.sparse.name")
            headers.names.emplace_back(value);
        else if (key == "linkpath")
            headers.links.emplace_back(value);
        if (key == "path")
            path = up_to_nul(value);
        else if (key == "GNU.sparse.name")
            sparse_name = up_to_nul(value);
        body.remove_prefix(length);
    }
    if (!sparse_name.empty())
        return sparse_name;
    if (!path.empty())
        return path;
    return std::nullopt;
}

// The path in an entry's own header: GNU's name field, ustar's prefix and name, or v7's name.
std::string own_name(std::string_view header)
{
    std::string name(field(header, 0, 100));
    if (header.substr(257, 8) == std::string_view("ustar  \0", 8) || header.substr(257, 5) != "ustar")
        return name;
    std::string prefix(field(header, 345, 155));
    if (prefix.empty())
        return name;
    if (prefix.back() != '/')
        prefix += '/';
    return prefix + name;
}

// The extra fields of a zip header: the names of its Info-ZIP Unicode Path fields.
std::vector<std::string> unicode_names(std::string_view extra)
{
    std::vector<std::string> names;
    for (std::size_t at = 0; at + 4 <= extra.size();) {
        std::uint16_t id = le16(extra, at);
        std::size_t size = le16(extra, at + 2);
        at += 4;
        if (at + size > extra.size())
            break;
        if (id == 0x7075 && size >= 5)
            names.emplace_back(extra.substr(at + 5, size - 5));
        at += size;
    }
    return names;
}

struct CentralDirectory {
    std::uint64_t offset = 0;   ///< as recorded
    std::uint64_t adjusted = 0; ///< where the search for it starts
};

// read_eocd() and read_zip64_eocd() of libarchive 3.6.
std::optional<CentralDirectory> end_record(std::string_view zip, std::size_t eocd, bool room_for_locator)
{
    std::optional<CentralDirectory> found;
    std::uint16_t disk = le16(zip, eocd + 4);
    std::uint32_t size = le32(zip, eocd + 12);
    std::uint32_t offset = le32(zip, eocd + 16);
    if (disk == 0 && le16(zip, eocd + 6) == 0 && le16(zip, eocd + 10) == le16(zip, eocd + 8) &&
        static_cast<std::uint32_t>(offset + size) <= eocd)
        found = CentralDirectory{offset, eocd - size};
    if (!room_for_locator || zip.compare(eocd - 20, 4, "PK\x06\x07") != 0)
        return found;
    std::size_t locator = eocd - 20;
    if (le32(zip, locator + 4) != 0 || le32(zip, locator + 16) != 1)
        return found;
    std::uint64_t record = le64(zip, locator + 8);
    if (record > zip.size() || zip.size() - record < 56)
        return found;
    std::uint64_t record_size = le64(zip, record + 4) + 12;
    if (record_size < 56 || record_size > 16384 || zip.size() - record < record_size)
        return found;
    if (le32(zip, record + 16) != 0 || le32(zip, record + 20) != 0 || le64(zip, record + 24) != le64(zip, record + 32))
        return found;
    return CentralDirectory{le64(zip, record + 48), le64(zip, record + 48)};
}

// Where the first record (or the end record) really is, searching forward from
// `adjusted` as slurp_central_directory() does.
std::optional<std::size_t> directory_start(std::string_view zip, std::uint64_t adjusted)
{
    if (adjusted > zip.size() || zip.size() - adjusted < 20)
        return std::nullopt;
    std::string_view p = zip.substr(adjusted);
    for (std::size_t i = 0; i + 4 < p.size();) {
        switch (p[i + 3]) {
        case 'P': i += 3; break;
        case 'K': i += 2; break;
        case '\x01': i += 1; break;
        case '\x02':
            if (p.compare(i, 4, "PK\x01\x02") == 0)
                return adjusted + i;
            i += 4;
            break;
        case '\x05': i += 1; break;
        case '\x06':
            if (p.compare(i, 4, "PK\x05\x06") == 0 || p.compare(i, 4, "PK\x06\x06") == 0)
                return adjusted + i;
            i += 1;
            break;
        default: i += 4; break;
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<TarHeaders> parse_tar_headers(std::string_view stream)
{
    TarHeaders headers;
    std::optional<std::string> override_name;
    std::size_t at = 0;
    for (int specials = 0; specials <= max_special_headers; ++specials) {
        if (at > stream.size() || stream.size() - at < block)
            return std::nullopt;
        std::string_view header = stream.substr(at, block);
        char type = header[156];
        if (type == 'V') { // a volume label: libarchive goes straight to the next header
            at += block;
            continue;
        }
        if (type != 'x' && type != 'X' && type != 'g' && type != 'L' && type != 'K' && type != 'A') {
            auto mode = tar_number(header.substr(100, 8));
            headers.mode = mode.value_or(0);
            headers.name = override_name.value_or(own_name(header));
            return headers;
        }
        auto size = tar_number(header.substr(124, 12));
        if (!size || *size > max_special_header || stream.size() - at - block < *size)
            return std::nullopt;
        std::string_view body = stream.substr(at + block, *size);
        std::optional<std::string> name;
        if (type == 'x' || type == 'X') {
            name = read_pax(body, headers);
        } else if (type == 'g') {
            read_pax(body, headers); // libarchive 3.6 applies no global header
        } else if (type == 'L') {
            headers.names.emplace_back(without_trailing_nuls(body));
            name = std::string(up_to_nul(body));
        } else if (type == 'K') {
            headers.links.emplace_back(without_trailing_nuls(body));
        }
        // libarchive applies the innermost header first, so the outermost one wins.
        if (name && !override_name)
            override_name = std::move(name);
        at += block + (*size + block - 1) / block * block;
    }
    return std::nullopt;
}

std::vector<ZipHeader> zip_central_directory(std::string_view zip)
{
    constexpr std::size_t search_tail = std::size_t{16} << 10; // where libarchive looks for the end record
    std::size_t tail = std::min(search_tail, zip.size());
    std::size_t base = zip.size() - tail;
    std::optional<CentralDirectory> directory;
    // Backwards from the end, skipping as libarchive's bidder does: the last end record wins.
    for (std::ptrdiff_t i = static_cast<std::ptrdiff_t>(tail) - 22; i > 0 && !directory;) {
        auto at = base + static_cast<std::size_t>(i);
        switch (zip[at]) {
        case 'P':
            if (zip.compare(at, 4, "PK\x05\x06") == 0) {
                directory = end_record(zip, at, i >= 20);
                if (!directory)
                    return {};
            }
            i -= 4;
            break;
        case 'K': i -= 1; break;
        case '\x05': i -= 2; break;
        case '\x06': i -= 3; break;
        default: i -= 4; break;
        }
    }
    if (!directory)
        return {};
    auto start = directory_start(zip, directory->adjusted);
    if (!start)
        return {};
    std::vector<ZipHeader> records;
    for (std::size_t at = *start; zip.size() - at >= 46 && zip.compare(at, 4, "PK\x01\x02") == 0;) {
        std::size_t name_length = le16(zip, at + 28);
        std::size_t extra_length = le16(zip, at + 30);
        std::size_t comment_length = le16(zip, at + 32);
        if (zip.size() - at - 46 < name_length + extra_length)
            break;
        ZipHeader record;
        record.name = zip.substr(at + 46, name_length);
        record.unicode_names = unicode_names(zip.substr(at + 46 + name_length, extra_length));
        if (zip[at + 5] == 3) // made on Unix: the mode is in the high half
            record.mode = le32(zip, at + 38) >> 16;
        records.push_back(std::move(record));
        at += 46 + name_length + extra_length + comment_length;
        if (at > zip.size())
            break;
    }
    return records;
}

std::vector<ZipHeader> zip_local_headers_ending_at(std::string_view zip, std::uint64_t data_start)
{
    std::vector<ZipHeader> headers;
    if (data_start > zip.size() || data_start < 30)
        return headers;
    // A name and an extra field are at most 64 KiB each.
    constexpr std::uint64_t longest = 30 + 2 * std::uint64_t{0xffff};
    std::uint64_t lowest = data_start > longest ? data_start - longest : 0;
    for (auto at = zip.rfind("PK\x03\x04", data_start - 30); at != std::string_view::npos && at >= lowest;
         at = at == 0 ? std::string_view::npos : zip.rfind("PK\x03\x04", at - 1)) {
        std::size_t name_length = le16(zip, at + 26);
        std::size_t extra_length = le16(zip, at + 28);
        if (at + 30 + name_length + extra_length != data_start)
            continue;
        ZipHeader header;
        header.name = zip.substr(at + 30, name_length);
        header.unicode_names = unicode_names(zip.substr(at + 30 + name_length, extra_length));
        headers.push_back(std::move(header));
    }
    return headers;
}

} // namespace sbx::project
