#pragma once
// An archive's entries as its own headers give them. libarchive normalises away what
// read_archive must refuse: it cuts a name at its first NUL (a pax path, a GNU long name,
// a zip name), reads a zip entry whose mode says FIFO as a regular file, and lets a tar
// header's type flag override the type bits of its mode.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx::project {

/// The headers of one tar entry: its own header and the special headers before it
/// ('x' and 'X' pax, 'g' global pax, 'L' and 'K' GNU long names, 'A' Solaris ACL,
/// 'V' volume).
struct TarHeaders {
    /// Every name a special header gives, whole: pax path and GNU.sparse.name values,
    /// GNU long names (less their trailing NULs).
    std::vector<std::string> names;
    /// Every link target a special header gives, whole: pax linkpath, GNU long links.
    std::vector<std::string> links;
    /// The entry's path as libarchive 3.6 resolves it (the outermost override wins, each
    /// cut at its first NUL).
    std::string name;
    /// The mode field of the entry's own header, type bits included when present.
    std::uint64_t mode = 0;
};

/// Parses the headers of the tar entry that begins at the start of `stream`. nullopt when
/// they are cut short, a size field is not a number, or there are more than 32 special
/// headers (libarchive's own limit).
std::optional<TarHeaders> parse_tar_headers(std::string_view stream);

/// A zip entry as a central directory record or a local header gives it.
struct ZipHeader {
    std::string name;                       ///< the name field, whole
    std::vector<std::string> unicode_names; ///< Info-ZIP Unicode Path extra fields (0x7075)
    std::optional<std::uint32_t> mode;      ///< from the external attributes, when made on Unix
};

/// The central directory records of `zip`, found as libarchive 3.6's seekable zip reader
/// finds them (the last end record in the final 16 KiB, Zip64 locator, leading data
/// skipped). Empty when there is none.
std::vector<ZipHeader> zip_central_directory(std::string_view zip);

/// The local headers in `zip` whose name and extra fields end exactly at `data_start`:
/// after reading an entry's header, libarchive stands at its data, so the header it read
/// the entry's name from is among these.
std::vector<ZipHeader> zip_local_headers_ending_at(std::string_view zip, std::uint64_t data_start);

} // namespace sbx::project
