// Fuzz target: sweep specifications (sim/sweep/sweep_spec.h): read_sweep_spec, the point count
// and its limit, expansion, and, for small sweeps, check_points (which loads every point's
// configuration and trace, or makes a small frame of its workload). The spec sits in
// configs/sweeps/ of a copy of the shipped tree, so the shipped specs' relative references work.
// Invariant: expand gives count_points points.
#include "fuzz_common.h"
#include "sim/error.h"
#include "sim/sweep/sweep_spec.h"

namespace {

// check_points costs a configuration load per value and point; bounded to keep executions fast.
constexpr size_t kMaxCheckedPoints = 8;
constexpr size_t kMaxExpandedPoints = 256;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = ngpc::fuzz::write_input("configs/sweeps/fuzz-input.json", data, size);
  try {
    const ngpc::SweepSpec spec = ngpc::read_sweep_spec(path);
    const size_t n = ngpc::count_points(spec);
    ngpc::check_point_count(spec, ngpc::kDefaultMaxPoints);
    if (n > kMaxExpandedPoints) return 0;
    const std::vector<ngpc::SweepPoint> points = ngpc::expand(spec);
    NGPC_FUZZ_CHECK(points.size() == n, std::to_string(points.size()) + " != " + std::to_string(n));
    if (n <= kMaxCheckedPoints) {
      const std::vector<std::string> ids = ngpc::check_points(spec, points);
      NGPC_FUZZ_CHECK(ids.size() == n, std::to_string(ids.size()));
    }
  } catch (const ngpc::InputError& e) {
    ngpc::fuzz::rejected(e);
  }
  return 0;
}
