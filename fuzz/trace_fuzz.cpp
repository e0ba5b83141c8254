// Fuzz target: the trace reader (sim/trace/trace_io.h read_trace: size limit, the safe JSON
// reader, schema and semantic checks). The file sits in a traces/ directory next to copies of
// small shipped traces. Invariants: an accepted trace survives trace_to_json -> parse_trace and
// write_trace -> read_trace unchanged (the writer writes only what the reader accepts).
#include "fuzz_common.h"
#include "sim/error.h"
#include "sim/trace/trace_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = ngpc::fuzz::write_input("traces/fuzz-input.json", data, size);
  ngpc::trace::Trace t;
  try {
    t = ngpc::trace::read_trace(path);
  } catch (const ngpc::InputError& e) {
    ngpc::fuzz::rejected(e);
    return 0;
  }
  const nlohmann::json once = ngpc::trace::trace_to_json(t);
  const std::string written = (ngpc::fuzz::scratch_dir() / "traces/fuzz-written.json").string();
  nlohmann::json in_memory, from_file;
  try {
    in_memory = ngpc::trace::trace_to_json(ngpc::trace::parse_trace(once, path));
    ngpc::trace::write_trace(written, t);
    from_file = ngpc::trace::trace_to_json(ngpc::trace::read_trace(written));
  } catch (const ngpc::InputError& e) {
    ngpc::fuzz::fail("an accepted trace, written back, is accepted",
                     std::string(e.what()) + "\n" + once.dump());
  }
  NGPC_FUZZ_CHECK(once == in_memory, once.dump() + "\n" + in_memory.dump());
  NGPC_FUZZ_CHECK(once == from_file, once.dump() + "\n" + from_file.dump());
  return 0;
}
