// Reading an input file whole (JSON documents, Nsight CSV exports), with its size checked before a
// byte is read: a huge file, or one that never ends (a FIFO, /dev/zero), cannot exhaust memory.
// The limits are listed in docs/input-limits.md.
#pragma once

#include <cstdint>
#include <string>

namespace ngpc::json_input {

// Size limit of the small JSON inputs: configurations and their parents, technology tables, GPU
// profiles and sweep specifications. The shipped ones are at most 20 KiB; 16 MiB leaves room for
// generated files while keeping a parsed document (5 to 10 times the text) small.
inline constexpr uint64_t kMaxSmallFileBytes = 16ull << 20;

// "512 MiB", "16 MiB", "1000 B": a byte count as written in messages.
std::string byte_size_text(uint64_t bytes);

// Reads all of `path`. `what` names the kind of file in messages ("config", "trace", "CSV").
// Throws InputError "<path>: ..." when the file does not exist, is not a regular file, is larger
// than `max_bytes` (the message adds `hint`, e.g. what to do instead) or cannot be read.
std::string read_input_file(const std::string& path, const std::string& what, uint64_t max_bytes,
                            const std::string& hint = "");

}  // namespace ngpc::json_input
