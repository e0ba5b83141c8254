// Fuzz target: the Nsight Systems cuda_gpu_trace CSV importer (sim/import/nsys_import.h), with
// the NeRF models (--like nerf), once splitting frames at the first kernel's name and once at
// idle gaps without steps. Invariant: an imported trace, written as `trace import-nsys` writes it,
// reads back as a valid format-v1 trace with the same content.
#include "fuzz_common.h"
#include "sim/error.h"
#include "sim/import/nsys_import.h"
#include "sim/trace/trace_io.h"

namespace {

void import(const ngpc::trace::NsysImportOptions& o) {
  ngpc::trace::Trace t;
  try {
    t = ngpc::trace::import_nsys(o);
  } catch (const ngpc::InputError& e) {
    ngpc::fuzz::rejected(e);
    return;
  }
  const nlohmann::json imported = ngpc::trace::trace_to_json(t);
  const std::string written = (ngpc::fuzz::scratch_dir() / "traces/fuzz-imported.json").string();
  nlohmann::json again;
  try {
    ngpc::trace::write_trace(written, t);
    again = ngpc::trace::trace_to_json(ngpc::trace::read_trace(written));
  } catch (const ngpc::InputError& e) {
    ngpc::fuzz::fail("an imported trace reads back",
                     std::string(e.what()) + "\n" +
                         imported.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  NGPC_FUZZ_CHECK(imported == again,
                  imported.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n" +
                      again.dump());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ngpc::trace::NsysImportOptions o;
  o.csv_path = ngpc::fuzz::write_input("fuzz-input.csv", data, size);
  o.like = "nerf";
  import(o);
  o.frame_gap_ns = 1000;
  o.steps = false;
  import(o);
  return 0;
}
