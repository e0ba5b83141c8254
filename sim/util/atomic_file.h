// Whole-file writes that never leave a half-written file behind: readers see the old contents or
// the new, never a mix (a crash or a full disk mid-write leaves only a stray temporary file).
#pragma once

#include <string>

namespace ngpc {

// Writes `contents` to a temporary file in the directory of `path`, then renames it over `path`
// (rename is atomic within one file system). No fsync: we guard against interrupted writes, not
// power loss. Throws ngpc::InputError naming the path when the directory is missing or not
// writable, or the write fails.
void write_file_atomic(const std::string& path, const std::string& contents);

// As write_file_atomic, and flushed to the disk (fsync of the file before the rename and of the
// directory after it) before returning, so the new contents also survive a power loss. For records
// that must not be lost once reported, such as a finished sweep point.
void write_file_durable(const std::string& path, const std::string& contents);

}  // namespace ngpc
