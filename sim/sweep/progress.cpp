#include "sim/sweep/progress.h"

#include <cmath>

namespace ngpc {

SweepProgress::SweepProgress(Mode mode, size_t total, size_t resumed, FILE* out)
    : mode_(mode),
      total_(total),
      resumed_(resumed),
      out_(out),
      start_(std::chrono::steady_clock::now()) {}

std::string SweepProgress::clock_text(double s) {
  if (!(s >= 0) || !std::isfinite(s)) return "--";
  const long t = std::lround(s);
  char buf[32];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  return buf;
}

std::string SweepProgress::status_text() const {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const size_t done = resumed_ + ran_;
  // The points run so far set the pace; resumed ones took no time.
  const double eta = ran_ > 0 ? elapsed / double(ran_) * double(total_ - done) : -1;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%zu/%zu points, %zu failed, elapsed %s, ETA %s", done, total_,
                failed_, clock_text(elapsed).c_str(),
                done == total_ ? "0:00" : clock_text(eta).c_str());
  return buf;
}

void SweepProgress::draw() {
  const size_t width = 30;
  const size_t done = resumed_ + ran_;
  const size_t fill = total_ ? done * width / total_ : width;
  std::string bar(fill, '#');
  bar += std::string(width - fill, '.');
  std::fprintf(out_, "\r\033[K[%s] %s", bar.c_str(), status_text().c_str());
  std::fflush(out_);
  drawn_ = true;
}

void SweepProgress::point_done(size_t index, const std::string& label, bool ok,
                               const std::string& error) {
  ++ran_;
  failed_ += ok ? 0 : 1;
  if (mode_ == Mode::quiet) return;
  const std::string line =
      "point " + std::to_string(index) + " (" + label + ") " + (ok ? "done" : "FAILED: " + error);
  if (mode_ == Mode::lines) {
    std::fprintf(out_, "ngpc-sim sweep: %s; %s\n", line.c_str(), status_text().c_str());
    std::fflush(out_);
    return;
  }
  if (!ok) note(line);
  draw();
}

void SweepProgress::tick() {
  if (mode_ == Mode::bar) draw();
}

void SweepProgress::note(const std::string& line) {
  if (mode_ == Mode::quiet) return;
  if (mode_ == Mode::bar && drawn_) std::fprintf(out_, "\r\033[K");
  std::fprintf(out_, "ngpc-sim sweep: %s\n", line.c_str());
  if (mode_ == Mode::bar && drawn_) draw();
  std::fflush(out_);
}

void SweepProgress::finish() {
  if (mode_ == Mode::bar && drawn_) {
    draw();
    std::fprintf(out_, "\n");
    std::fflush(out_);
  }
}

}  // namespace ngpc
