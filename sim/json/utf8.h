// UTF-8 validity of JSON strings. Text parsed by nlohmann::json is always valid UTF-8, but
// documents built in memory from other bytes (a --set value that is not JSON, kernel names from an
// Nsight CSV, file names) need not be. valijson, which checks documents against the schemas,
// assumes valid UTF-8: its string-length count indexes a 6-entry table by the length of a run of
// continuation bytes and reads past it on such input. So every document is checked before
// validation, and importers make their strings valid first.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "sim/json/path.h"

namespace ngpc::json_input {

// Byte offset of the first byte of `s` that does not begin a well-formed UTF-8 sequence (RFC
// 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or std::string::npos.
size_t invalid_utf8_at(std::string_view s);

// `s` with every byte that does not begin a well-formed sequence replaced by U+FFFD, as the trace
// writer does (nlohmann's error_handler_t::replace); valid text is returned unchanged.
std::string valid_utf8(std::string_view s);

// Path (spelled in `style`; invalid bytes of keys shown as U+FFFD) of the first string value or
// object key of `doc` that is not valid UTF-8, or nullopt. Walks without recursion.
std::optional<std::string> invalid_utf8_path(const nlohmann::json& doc, PathStyle style);

}  // namespace ngpc::json_input
