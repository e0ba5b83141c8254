#include "sim/sweep/runner.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <stdexcept>

#include "sim/error.h"

namespace ngpc {

namespace {

namespace fs = std::filesystem;

volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_stop(int sig) {
  g_stop = sig;
}
extern "C" void on_child(int) {}  // only wakes the sleep in the wait loop

// Installs the sweep's handlers for its lifetime; restores the previous ones.
struct SignalScope {
  static constexpr int kStop[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction old_stop[3], old_child;
  SignalScope() {
    g_stop = 0;
    struct sigaction sa {};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: the wait loop's sleep returns at once
    for (int i = 0; i < 3; ++i) sigaction(kStop[i], &sa, &old_stop[i]);
    sa.sa_handler = on_child;
    sa.sa_flags = SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, &old_child);
  }
  ~SignalScope() {
    for (int i = 0; i < 3; ++i) sigaction(kStop[i], &old_stop[i], nullptr);
    sigaction(SIGCHLD, &old_child, nullptr);
  }
  // For a child: default dispositions again.
  static void reset() {
    for (int s : kStop) std::signal(s, SIG_DFL);
    std::signal(SIGCHLD, SIG_DFL);
  }
};

std::string signal_text(int sig) {
  const char* d = strsignal(sig);
  return "killed by signal " + std::to_string(sig) + (d ? std::string(" (") + d + ")" : "");
}

[[noreturn]] void child_main(const PointCommand& c, pid_t parent) {
  SignalScope::reset();
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // a killed sweep takes its unfinished points with it
  if (getppid() != parent) _exit(1);
  int status = 1;
  try {
    const std::string dir = point_dir(c.out, c.index);
    fs::create_directories(dir);
    const int fd = open((dir + "/log.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    status = run_point(c);
  } catch (const std::exception& e) {
    std::cerr << "ngpc-sim sweep: point " << c.index << ": " << e.what() << "\n";
    status = dynamic_cast<const InputError*>(&e) ? 2 : 1;
  }
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  _exit(status);
}

}  // namespace

SweepOutcome run_sweep(const std::string& out, const Manifest& m,
                       const std::vector<PointCommand>& commands, unsigned jobs,
                       SweepProgress::Mode mode) {
  SweepOutcome o;
  o.results.resize(m.points.size());
  std::vector<size_t> todo;
  size_t stale = 0;
  for (size_t i = 0; i < m.points.size(); ++i) {
    o.results[i] = read_point_result(out, m.points[i]);
    if (o.results[i].status == PointStatus::ok) {
      ++o.resumed;
    } else {
      stale += o.results[i].stale ? 1 : 0;
      todo.push_back(i);  // pending, stale, or failed before: run it (again)
    }
  }
  write_results(out, m, o.results);  // the rows of what is already finished
  SweepProgress progress(mode, m.points.size(), o.resumed);
  if (stale > 0)
    progress.note(std::to_string(stale) +
                  " finished point(s) in the directory were run with other inputs or another "
                  "ngpc-sim build: running them again");

  SignalScope signals;
  const pid_t parent = getpid();
  std::map<pid_t, size_t> running;
  size_t next = 0;
  jobs = std::max(1u, jobs);
  auto reap = [&](pid_t pid, int status) {
    const size_t i = running.at(pid);
    running.erase(pid);
    const ManifestPoint& p = m.points[i];
    const bool interrupted =
        WIFSIGNALED(status) &&
        (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM || WTERMSIG(status) == SIGHUP);
    PointResult r = read_point_result(out, p);
    // Stopped before it finished: it stays to be run. (One stopped after writing its record is
    // finished, and counted.)
    if (interrupted && r.status != PointStatus::ok) return;
    if (r.status == PointStatus::pending) {
      // The child ended without recording an outcome (crash, out of memory, identity changed).
      r.status = PointStatus::failed;
      r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      r.error = WIFSIGNALED(status) ? signal_text(WTERMSIG(status))
                : r.stale           ? "the point's inputs changed while the sweep ran"
                                    : "exited with status " + std::to_string(r.exit_status) +
                                " without a result (see its log.txt)";
      const std::vector<std::string> cmd(p.command.begin() + 3, p.command.end());
      write_point_record(point_dir(out, p.index), p.index, "failed", r.exit_status, r.error, "",
                         cmd);
    }
    o.results[i] = r;
    append_result(out, m, i, r);
    progress.point_done(p.index, axes_text(p), r.status == PointStatus::ok, r.error);
  };

  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  auto last_tick = std::chrono::steady_clock::now();
  while (!g_stop && (next < todo.size() || !running.empty())) {
    while (!g_stop && running.size() < jobs && next < todo.size()) {
      const size_t i = todo[next++];
      const pid_t pid = fork();
      if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
      if (pid == 0) child_main(commands[i], parent);
      running[pid] = i;
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      reap(pid, status);
      continue;
    }
    if (pid < 0 && errno != EINTR) throw std::runtime_error("waitpid failed");
    const timespec pause{0, 100 * 1000 * 1000};
    nanosleep(&pause, nullptr);  // a finishing child or a signal cuts it short
    if (std::chrono::steady_clock::now() - last_tick > std::chrono::milliseconds(500)) {
      progress.tick();
      last_tick = std::chrono::steady_clock::now();
    }
  }
  if (g_stop) {
    o.signal = g_stop;
    for (const auto& [pid, i] : running) kill(pid, SIGTERM);
    while (!running.empty()) {
      int status = 0;
      const pid_t pid = waitpid(-1, &status, 0);
      if (pid > 0)
        reap(pid, status);
      else if (errno != EINTR)
        break;
    }
  }
  progress.finish();
  write_results(out, m, o.results);  // in point order, whatever order they finished in
  o.ran = progress.ran();
  for (const PointResult& r : o.results) {
    o.failed += r.status == PointStatus::failed ? 1 : 0;
    o.pending += r.status == PointStatus::pending ? 1 : 0;
  }
  return o;
}

}  // namespace ngpc
