#include "sim/json/path.h"

namespace ngpc::json_input {

void append_key(std::string& path, PathStyle style, std::string_view key) {
  if (style == PathStyle::kDotted) {
    if (!path.empty()) path += '.';
    path += key;
    return;
  }
  path += '/';
  for (char c : key) {
    if (c == '~') {
      path += "~0";
    } else if (c == '/') {
      path += "~1";
    } else {
      path += c;
    }
  }
}

void append_index(std::string& path, PathStyle style, size_t index) {
  path +=
      style == PathStyle::kDotted ? "[" + std::to_string(index) + "]" : "/" + std::to_string(index);
}

std::string display_path(const std::string& path, PathStyle style) {
  if (!path.empty()) return path;
  return style == PathStyle::kDotted ? "(top level)" : "/";
}

}  // namespace ngpc::json_input
