// The one safe way JSON input is parsed (configurations and their parents, technology tables, GPU
// profiles, sweep specifications, model files and traces). Before nlohmann::json sees the text a
// linear scan refuses nesting deeper than the limit (nlohmann's parser, copies and destructor
// recurse: "[" x 100000 would overflow the stack) and duplicate keys (nlohmann keeps the last one
// silently). Syntax errors name the line, column and byte. Limits: docs/input-limits.md.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/json/input_file.h"
#include "sim/json/path.h"

namespace ngpc::json_input {

// Deepest nesting of objects and arrays a JSON input may have. The deepest shipped document (a
// trace's positions.params) needs 5; 64 leaves room while bounding every recursion over the tree.
inline constexpr int kMaxDepth = 64;

// What a document is, for messages and limits.
struct JsonKind {
  std::string what;                         // "config", "trace", "GPU profile", ...
  uint64_t max_bytes = kMaxSmallFileBytes;  // file size, checked before reading
  PathStyle style = PathStyle::kPointer;    // how paths are spelled (duplicate keys)
  std::string too_large_hint;               // added to the file-size message
};

// Parses `text` from `origin` (a file name in messages). Throws InputError:
//   "<origin>: malformed <what>: JSON nested deeper than 64 levels at line L, column C"
//   "<origin>: <path>: duplicate key "k" at line L, column C"
//   "<origin>: malformed JSON at line L, column C (byte B): <why>[ (is the file truncated?)]"
nlohmann::json parse_json(const std::string& text, const std::string& origin, const JsonKind& kind);

// read_input_file (size limit) then parse_json.
nlohmann::json read_json_file(const std::string& path, const JsonKind& kind);

// Nesting depth of a parsed value (a scalar is 0, [] and {} are 1), computed without recursion;
// stops counting once it exceeds `limit`. For documents built in code, which skipped the scan.
int nesting_depth(const nlohmann::json& value, int limit = kMaxDepth);

// Line and column (1-based) of byte offset `byte` of `text`.
std::pair<size_t, size_t> line_column(const std::string& text, size_t byte);

}  // namespace ngpc::json_input
