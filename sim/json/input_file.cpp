#include "sim/json/input_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "sim/error.h"

namespace ngpc::json_input {

std::string byte_size_text(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (u < 4 && bytes >= 1024 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++u;
  }
  return std::to_string(bytes) + " " + units[u];
}

std::string read_input_file(const std::string& path, const std::string& what, uint64_t max_bytes,
                            const std::string& hint) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    throw InputError(path + ": cannot read " + what + ": the file does not exist");
  }
  if (!fs::is_regular_file(status)) {
    throw InputError(path + ": cannot read " + what + ": not a regular file" +
                     (fs::is_directory(status) ? " (a directory)" : ""));
  }
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) throw InputError(path + ": cannot read " + what + ": " + ec.message());
  if (size > max_bytes) {
    throw InputError(path + ": " + what + " file is " + std::to_string(size) +
                     " bytes; the limit is " + std::to_string(max_bytes) + " bytes (" +
                     byte_size_text(max_bytes) + ", docs/input-limits.md)" +
                     (hint.empty() ? "" : "; " + hint));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path + ": cannot read " + what + ": " + std::strerror(errno));
  }
  // One byte more than the size: a file that grew since stat() is still refused, not truncated.
  std::string text(static_cast<size_t>(size) + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw InputError(path + ": cannot read " + what + ": read error");
  const auto got = static_cast<uint64_t>(in.gcount());
  if (got > max_bytes) {
    throw InputError(path + ": " + what + " file grew beyond the limit of " +
                     byte_size_text(max_bytes) + " while being read");
  }
  text.resize(static_cast<size_t>(got));
  return text;
}

}  // namespace ngpc::json_input
