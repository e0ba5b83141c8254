#include "sim/json/utf8.h"

#include <vector>

namespace ngpc::json_input {

namespace {

// Length of the well-formed sequence starting at s[i], 0 if there is none (Unicode 15, table 3-7).
size_t sequence_at(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;  // a continuation byte, C0, C1 or F5..FF
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

size_t invalid_utf8_at(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = sequence_at(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string::npos;
}

std::string valid_utf8(std::string_view s) {
  if (invalid_utf8_at(s) == std::string::npos) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size();) {
    const size_t n = sequence_at(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::optional<std::string> invalid_utf8_path(const nlohmann::json& doc, PathStyle style) {
  using nlohmann::json;
  const auto bad = [](const json& j) {
    return j.is_string() && invalid_utf8_at(j.get_ref<const std::string&>()) != std::string::npos;
  };
  if (bad(doc)) return std::string();
  if (!doc.is_structured()) return std::nullopt;
  struct Frame {
    const json* node;
    json::const_iterator it;
    size_t index;
  };
  std::vector<Frame> stack{{&doc, doc.cbegin(), 0}};
  const auto path_here = [&] {
    std::string path;
    for (const Frame& f : stack) {
      if (f.node->is_object()) {
        append_key(path, style, valid_utf8(f.it.key()));
      } else {
        append_index(path, style, f.index);
      }
    }
    return path;
  };
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.it == f.node->cend()) {
      stack.pop_back();
      if (!stack.empty()) {
        ++stack.back().it;
        ++stack.back().index;
      }
      continue;
    }
    if (f.node->is_object() && invalid_utf8_at(f.it.key()) != std::string::npos) {
      return path_here();
    }
    const json& child = *f.it;
    if (bad(child)) return path_here();
    if (child.is_structured() && !child.empty()) {
      stack.push_back({&child, child.cbegin(), 0});  // `f` is not used after this
      continue;
    }
    ++f.it;
    ++f.index;
  }
  return std::nullopt;
}

}  // namespace ngpc::json_input
