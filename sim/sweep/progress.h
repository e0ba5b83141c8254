// Progress of a sweep on stderr: on a terminal, one redrawn bar (points done / total, failures,
// elapsed time, ETA); otherwise one plain line per finished point; nothing when quiet.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace ngpc {

class SweepProgress {
 public:
  enum class Mode { bar, lines, quiet };
  // `total` points, of which `resumed` are already finished.
  SweepProgress(Mode mode, size_t total, size_t resumed, FILE* out = stderr);

  void point_done(size_t index, const std::string& label, bool ok, const std::string& error);
  void tick();                         // redraws the bar (elapsed time moves on)
  void note(const std::string& line);  // a line of its own, above the bar
  void finish();                       // ends the bar's line

  size_t ran() const { return ran_; }
  size_t failed() const { return failed_; }

  // "1:02:03", "4:05"; "--" for a negative value.
  static std::string clock_text(double seconds);

 private:
  std::string status_text() const;
  void draw();

  Mode mode_;
  size_t total_, resumed_, ran_ = 0, failed_ = 0;
  FILE* out_;
  std::chrono::steady_clock::time_point start_;
  bool drawn_ = false;
};

}  // namespace ngpc
