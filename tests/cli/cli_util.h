// Helpers for tests that run the real ngpc-sim binary (NGPC_BINARY) through the shell.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ngpc::test {

struct CmdResult {
  int status = -1;  // exit status; 128 + signal number if the process was killed
  std::string out, err;
};

// Quotes one argument for /bin/sh.
inline std::string shell_quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_text_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ngpc-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  // Writes `text` to a file in the directory and returns its full path.
  std::string write(const std::string& name, const std::string& text) const {
    write_text_file(path_ / name, text);
    return (path_ / name).string();
  }

 private:
  std::filesystem::path path_;
};

// Sets (or, with nullptr, removes) an environment variable for its lifetime; the child processes
// run_cli starts inherit it.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const char* value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) had_ = true, old_ = old;
    if (value)
      setenv(name_.c_str(), value, 1);
    else
      unsetenv(name_.c_str());
  }
  ~ScopedEnv() {
    if (had_)
      setenv(name_.c_str(), old_.c_str(), 1);
    else
      unsetenv(name_.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_, old_;
  bool had_ = false;
};

// Runs a /bin/sh command line and captures its exit status, stdout and stderr.
inline CmdResult run_shell(const std::string& command_line) {
  TempDir dir;
  const std::string out = (dir / "stdout").string(), err = (dir / "stderr").string();
  const std::string command =
      "(" + command_line + ") >" + shell_quote(out) + " 2>" + shell_quote(err) + " </dev/null";
  const int raw = std::system(command.c_str());
  CmdResult result;
  if (raw != -1 && WIFEXITED(raw)) {
    result.status = WEXITSTATUS(raw);
  } else if (raw != -1 && WIFSIGNALED(raw)) {
    result.status = 128 + WTERMSIG(raw);
  }
  result.out = read_text_file(out);
  result.err = read_text_file(err);
  return result;
}

// Runs `NGPC_BINARY <args>` through /bin/sh (quote arguments yourself, see shell_quote) and
// captures its exit status, stdout and stderr.
inline CmdResult run_cli(const std::string& args) {
  return run_shell(shell_quote(NGPC_BINARY) + " " + args);
}

// A complete PNG file (signature, IHDR first, IEND last) at least `min_w` x `min_h` pixels and
// `min_bytes` long: what a plot written by the scripts must be.
inline ::testing::AssertionResult is_valid_png(const std::string& png, uint32_t min_w = 300,
                                               uint32_t min_h = 200, size_t min_bytes = 2000) {
  auto be32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(png[at + i]);
    return v;
  };
  if (png.size() < min_bytes)
    return ::testing::AssertionFailure() << "only " << png.size() << " bytes";
  if (png.compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)) != 0)
    return ::testing::AssertionFailure() << "no PNG signature";
  if (png.compare(12, 4, "IHDR") != 0) return ::testing::AssertionFailure() << "no IHDR first";
  if (be32(16) < min_w || be32(20) < min_h)
    return ::testing::AssertionFailure() << be32(16) << " x " << be32(20) << " pixels";
  if (png.compare(png.size() - 8, 4, "IEND") != 0)
    return ::testing::AssertionFailure() << "no IEND last (truncated?)";
  return ::testing::AssertionSuccess();
}

}  // namespace ngpc::test
