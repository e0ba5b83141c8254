// "--frames a:b" parsing and frame selection for replay.
#include <cctype>

#include "sim/error.h"
#include "sim/trace/trace_io.h"

namespace ngpc::trace {

namespace {

// A non-negative decimal index; false on anything else (signs, spaces, overflow).
bool parse_index(const std::string& s, size_t* out) {
  if (s.empty() || s.size() > 18) return false;
  size_t v = 0;
  for (char ch : s) {
    if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
    v = v * 10 + static_cast<size_t>(ch - '0');
  }
  *out = v;
  return true;
}

}  // namespace

FrameRange parse_frame_range(const std::string& text, size_t frame_count,
                             const std::string& option) {
  const std::string usage =
      " (expected a:b (frames a to b-1), a: , :b or a single index a, counted from 0)";
  auto bad = [&](const std::string& why) -> InputError {
    return InputError(option + " \"" + text + "\": " + why);
  };
  FrameRange r;
  size_t colon = text.find(':');
  if (colon == std::string::npos) {
    if (!parse_index(text, &r.begin)) throw bad("malformed" + usage);
    r.end = r.begin + 1;
  } else {
    std::string a = text.substr(0, colon), b = text.substr(colon + 1);
    r.begin = 0;
    r.end = frame_count;
    if (!a.empty() && !parse_index(a, &r.begin)) throw bad("malformed start" + usage);
    if (!b.empty() && !parse_index(b, &r.end)) throw bad("malformed end" + usage);
  }
  const std::string count = "the trace has " + std::to_string(frame_count) + " frame" +
                            (frame_count == 1 ? "" : "s") + " (0.." +
                            std::to_string(frame_count == 0 ? 0 : frame_count - 1) + ")";
  if (r.begin >= frame_count) {
    throw bad("start " + std::to_string(r.begin) + " is out of range: " + count);
  }
  if (r.end > frame_count) {
    throw bad("end " + std::to_string(r.end) + " is out of range: " + count);
  }
  if (r.end <= r.begin) throw bad("selects no frames (the end is exclusive)");
  return r;
}

std::vector<Frame> select_frames(const Trace& trace, const std::string& range) {
  FrameRange r = parse_frame_range(range, trace.frames.size());
  return std::vector<Frame>(trace.frames.begin() + static_cast<std::ptrdiff_t>(r.begin),
                            trace.frames.begin() + static_cast<std::ptrdiff_t>(r.end));
}

}  // namespace ngpc::trace
