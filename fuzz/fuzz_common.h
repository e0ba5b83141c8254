// Shared by the libFuzzer targets (docs/testing.md, "Fuzzing"). A target feeds its input through
// one of the simulator's input paths. The contract under test is the CLI's: bad input throws
// ngpc::InputError (exit status 2). Any other exception, a crash, a leak, a sanitizer report or
// a broken invariant (ngpc_fuzz_check) is a finding, and libFuzzer stops and keeps the input.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace ngpc::fuzz {

// A finding that is not a crash: print it and abort, so libFuzzer saves the input.
[[noreturn]] inline void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "ngpc-fuzz: invariant broken: %s\n%s\n", what, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

#define NGPC_FUZZ_CHECK(cond, detail)                 \
  do {                                                \
    if (!(cond)) ::ngpc::fuzz::fail(#cond, (detail)); \
  } while (0)

// Bad input, as expected. With NGPC_FUZZ_VERBOSE set the message is printed, e.g. to see how far
// a seed gets: NGPC_FUZZ_VERBOSE=1 build-fuzz/fuzz/fuzz_config configs/ngpc-8.json
inline void rejected(const std::exception& e) {
  static const bool verbose = std::getenv("NGPC_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "ngpc-fuzz-verbose: rejected: %s\n", e.what());
}

// A scratch tree made once per process under $TMPDIR (scripts/fuzz.sh points it into
// build-fuzz/): configs/ (a copy of the shipped configurations, so "parent" and relative
// references in an input resolve as they do next to the shipped files) and traces/ (copies of
// the small shipped traces). Inputs are written into it, because the entry points under test take
// file paths, as the CLI does. Removed at exit.
inline const std::filesystem::path& scratch_dir() {
  namespace fs = std::filesystem;
  static const fs::path dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/ngpc-fuzz-XXXXXX";
    if (mkdtemp(templ.data()) == nullptr) {
      std::perror("ngpc-fuzz: mkdtemp");
      std::abort();
    }
    const fs::path d(templ);
    const fs::path src(NGPC_SOURCE_DIR);
    fs::copy(src / "configs", d / "configs", fs::copy_options::recursive);
    fs::create_directories(d / "traces");
    for (const char* t : {"tiny-nerf.json", "tiny-gia.json", "gia-hashgrid-1080p.json"}) {
      fs::copy_file(src / "traces" / t, d / "traces" / t);
    }
    return d;
  }();
  // Registered after `dir` is complete, so it runs before `dir` is destroyed.
  static const bool cleanup = std::atexit([] {
                                std::error_code ec;
                                fs::remove_all(scratch_dir(), ec);
                              }) == 0;
  (void)cleanup;
  return dir;
}

// Writes `size` bytes at `data` to scratch_dir()/rel and returns the path.
inline std::string write_input(const std::string& rel, const uint8_t* data, size_t size) {
  const std::filesystem::path p = scratch_dir() / rel;
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) fail("the input file was written", p.string());
  return p.string();
}

}  // namespace ngpc::fuzz
