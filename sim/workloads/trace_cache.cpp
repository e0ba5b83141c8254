#include "sim/workloads/trace_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/error.h"
#include "sim/gpu_baseline/profile.h"
#include "sim/trace/bundled.h"
#include "sim/trace/trace_io.h"
#include "sim/util/fingerprint.h"
#include "sim/util/hash.h"

namespace ngpc::trace {
namespace {

namespace fs = std::filesystem;

std::string qpp_text(double q) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", q);
  return buf;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The bundled trace of these options, if one exists and its header records exactly them.
std::string matching_bundled(const GenOptions& o) {
  std::string path;
  try {
    path = find_bundled_trace(o.app, std::to_string(o.width) + "x" + std::to_string(o.height),
                              o.encoding);
  } catch (const InputError&) {
    return "";
  }
  try {
    const Trace t = read_trace(path);
    const Header& h = t.header;
    const bool same =
        h.app == o.app && (h.encoding.empty() ? "hashgrid" : h.encoding) == o.encoding &&
        h.width == o.width && h.height == o.height && h.queries_per_pixel == o.queries_per_pixel &&
        h.seed == o.seed && t.frames.size() == o.frames &&
        h.gpu_time_source == "model:" + gpu::default_gpu_profile().name;
    return same ? path : "";
  } catch (const InputError&) {
    return "";  // not a usable trace: generate instead
  }
}

// Closes the lock file (releasing the lock) on every exit path.
struct LockFile {
  int fd = -1;
  ~LockFile() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

GenOptions gen_options(const Workload& w) {
  GenOptions o;
  o.app = w.app;
  o.encoding = w.encoding.empty() ? "hashgrid" : w.encoding;
  parse_resolution(w.resolution, &o.width, &o.height);
  o.queries_per_pixel =
      w.queries_per_pixel > 0 ? w.queries_per_pixel : nominal_queries_per_pixel(w.app);
  o.frames = w.frames;
  o.seed = w.seed;
  o.command_line = gen_command_line(o);
  return o;
}

std::string gen_command_line(const GenOptions& o, const std::string& gpu_profile) {
  const double qpp =
      o.queries_per_pixel > 0 ? o.queries_per_pixel : nominal_queries_per_pixel(o.app);
  return "trace gen --app " + o.app + " --resolution " + std::to_string(o.width) + "x" +
         std::to_string(o.height) + " --encoding " + o.encoding + " --queries-per-pixel " +
         qpp_text(qpp) + " --frames " + std::to_string(o.frames) + " --seed " +
         std::to_string(o.seed) + (gpu_profile.empty() ? "" : " --gpu-profile " + gpu_profile);
}

std::string trace_cache_dir(const std::string& override_dir) {
  if (!override_dir.empty()) return override_dir;
  if (const char* e = std::getenv("NGPC_TRACE_CACHE"); e && *e) return e;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x)
    return std::string(x) + "/ngpc-sim/traces";
  if (const char* h = std::getenv("HOME"); h && *h)
    return std::string(h) + "/.cache/ngpc-sim/traces";
  throw InputError(
      "no trace cache directory: set NGPC_TRACE_CACHE (or HOME), or pass --trace-cache DIR");
}

WorkloadTrace locate_workload_trace(const Workload& w, const std::string& cache_dir) {
  const GenOptions o = gen_options(w);
  WorkloadTrace r;
  const std::string bundled = matching_bundled(o);
  if (!bundled.empty()) {
    r.path = bundled;
    r.bundled = true;
    r.identity = "bundled:" + hash_hex(file_bytes(bundled));
    return r;
  }
  char q[40];
  std::snprintf(q, sizeof q, "%.17g", o.queries_per_pixel);
  const std::string key = hash_hex(
      source_fingerprint() + "|" + o.app + "|" + o.encoding + "|" + std::to_string(o.width) + "x" +
      std::to_string(o.height) + "|" + q + "|" + std::to_string(o.seed) + "|" +
      std::to_string(o.frames) + "|" + gpu::default_gpu_profile().name);
  r.path = (fs::path(cache_dir) /
            (o.app + "-" + o.encoding + "-" + std::to_string(o.width) + "x" +
             std::to_string(o.height) + "-q" + qpp_text(o.queries_per_pixel) + "-s" +
             std::to_string(o.seed) + "-f" + std::to_string(o.frames) + "-" + key + ".json"))
               .string();
  r.identity = "generated:" + key;
  return r;
}

WorkloadTrace workload_trace(const Workload& w, const std::string& cache_dir, bool* generated) {
  WorkloadTrace r = locate_workload_trace(w, cache_dir);
  if (generated) *generated = false;
  std::error_code ec;
  if (r.bundled || fs::is_regular_file(r.path, ec)) return r;
  fs::create_directories(cache_dir, ec);
  if (ec)
    throw InputError("trace cache " + cache_dir + ": cannot create directory: " + ec.message());
  LockFile lock;
  // One lock for the whole cache: generating takes milliseconds, and a single file leaves no
  // per-entry lock files behind.
  const std::string lock_path = (fs::path(cache_dir) / ".generate.lock").string();
  lock.fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (lock.fd < 0 || flock(lock.fd, LOCK_EX) != 0)
    throw InputError("trace cache " + cache_dir + ": cannot lock " + lock_path);
  if (fs::is_regular_file(r.path, ec)) return r;  // another process made it meanwhile
  const Trace t = generate_trace(gen_options(w), gpu::default_gpu_profile());
  write_trace(r.path, t);
  if (generated) *generated = true;
  return r;
}

}  // namespace ngpc::trace
