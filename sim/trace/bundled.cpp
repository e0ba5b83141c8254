#include "sim/trace/bundled.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "sim/error.h"

namespace ngpc::trace {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string resolution_label(const std::string& resolution) {
  const std::string r = lower(resolution);
  if (r == "1920x1080") return "1080p";
  if (r == "3840x2160") return "4k";
  if (r == "7680x4320") return "8k";
  return r;
}

}  // namespace

std::string bundled_trace_dir() {
  const char* env = std::getenv("NGPC_TRACE_DIR");
  if (env && *env) return env;
  return std::string(NGPC_SOURCE_DIR) + "/traces";
}

std::vector<std::string> list_bundled_traces() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(bundled_trace_dir(), ec)) {
    if (e.path().extension() == ".json") names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string find_bundled_trace(const std::string& app, const std::string& resolution,
                               const std::string& encoding) {
  const std::string enc = encoding.empty() ? "hashgrid" : lower(encoding);
  const std::string name = lower(app) + "-" + enc + "-" + resolution_label(resolution) + ".json";
  const std::filesystem::path path = std::filesystem::path(bundled_trace_dir()) / name;
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) return path.string();
  std::string available;
  for (const auto& n : list_bundled_traces()) available += (available.empty() ? "" : ", ") + n;
  throw InputError(
      "no bundled trace " + name + " in " + bundled_trace_dir() +
      (available.empty() ? " (the directory holds no traces" : " (available: " + available) +
      "; set NGPC_TRACE_DIR or generate one with `ngpc-sim trace gen`)");
}

}  // namespace ngpc::trace
