#include "sim/util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <thread>

#include "sim/error.h"

namespace ngpc {

namespace {

std::string errno_text() {
  return std::strerror(errno);
}

// A name no other writer uses: pid, thread and a process-wide counter; O_EXCL catches the rest.
std::string temp_name(const std::string& base) {
  static std::atomic<uint64_t> counter{0};
  size_t thread = std::hash<std::thread::id>()(std::this_thread::get_id());
  return base + ".tmp." + std::to_string(getpid()) + "." + std::to_string(thread % 1000000) + "." +
         std::to_string(counter++);
}

// Closes and removes the temporary file unless it has been renamed into place.
struct TempFile {
  std::string path;
  int fd = -1;
  bool keep = false;
  ~TempFile() {
    if (fd >= 0) close(fd);
    if (!keep && !path.empty()) std::remove(path.c_str());
  }
};

void write_file(const std::string& path, const std::string& contents, bool sync) {
  namespace fs = std::filesystem;
  if (path.empty()) throw InputError("cannot write a file with an empty name");
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError(path + ": cannot write: it is a directory");
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir, ec)) {
    throw InputError(path + ": cannot write: directory '" + dir.string() + "' does not exist");
  }
  const std::string base = (dir / ("." + fs::path(path).filename().string())).string();
  TempFile tmp;
  for (int attempt = 0; attempt < 100 && tmp.fd < 0; ++attempt) {
    tmp.path = temp_name(base);
    // Mode 0666 lets the kernel apply the umask, as for any newly created file.
    tmp.fd = open(tmp.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (tmp.fd < 0 && errno != EEXIST) break;
  }
  if (tmp.fd < 0) {
    std::string why = errno_text();
    tmp.path.clear();  // nothing of ours to remove
    throw InputError(path + ": cannot write: cannot create a file in directory '" + dir.string() +
                     "': " + why);
  }
  const char* p = contents.data();
  size_t left = contents.size();
  while (left > 0) {
    ssize_t n = write(tmp.fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw InputError(path + ": write failed: " + errno_text());
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (sync && fsync(tmp.fd) != 0) throw InputError(path + ": write failed: " + errno_text());
  int fd = tmp.fd;
  tmp.fd = -1;
  if (close(fd) != 0) throw InputError(path + ": write failed: " + errno_text());
  if (std::rename(tmp.path.c_str(), path.c_str()) != 0) {
    throw InputError(path + ": cannot replace the file: " + errno_text());
  }
  tmp.keep = true;
  if (sync) {
    const int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      fsync(dfd);  // best effort: some file systems refuse fsync on directories
      close(dfd);
    }
  }
}

}  // namespace

void write_file_atomic(const std::string& path, const std::string& contents) {
  write_file(path, contents, false);
}

void write_file_durable(const std::string& path, const std::string& contents) {
  write_file(path, contents, true);
}

}  // namespace ngpc
