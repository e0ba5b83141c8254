// The traces shipped in traces/ (docs/workloads.md), found by app, resolution and encoding.
#pragma once

#include <string>
#include <vector>

namespace ngpc::trace {

// Directory of the bundled traces: $NGPC_TRACE_DIR if set and non-empty, else
// NGPC_SOURCE_DIR "/traces".
std::string bundled_trace_dir();

// Path of traces/<app>-<encoding>-<resolution>.json, where resolution is "1080p", "4k", "8k"
// (1920x1080, 3840x2160 and 7680x4320 are accepted too) or "WxH", and an empty encoding means
// hashgrid. Throws InputError listing the available traces when it does not exist.
std::string find_bundled_trace(const std::string& app, const std::string& resolution,
                               const std::string& encoding = "hashgrid");

// File names (without directory) of the bundled *.json traces, sorted.
std::vector<std::string> list_bundled_traces();

}  // namespace ngpc::trace
