// JSON paths in messages. Two spellings, chosen per kind of document: JSON Pointer ("/frames/0/
// kernels/3", RFC 6901) for traces, GPU profiles, sweep specs and model files, and dotted paths
// ("nfp.encoding.grid_sram.capacity", "sram.read_energy[1]") for configurations, whose paths are
// also what --set takes, and for technology tables.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ngpc::json_input {

enum class PathStyle { kPointer, kDotted };

// Appends one object key or array index to `path`.
void append_key(std::string& path, PathStyle style, std::string_view key);
void append_index(std::string& path, PathStyle style, size_t index);

// `path` as shown in a message: the root ("") is "/" as a pointer and "(top level)" dotted.
std::string display_path(const std::string& path, PathStyle style);

}  // namespace ngpc::json_input
