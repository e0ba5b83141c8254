// The memory the NGPC shares with the GPU: the NGPC's link to the GPU's L2, the L2 itself
// (address-level, models/memory/l2_cache.h) and the DRAM behind it. It is the single owner of
// bandwidth, latency and L2 state: requesters describe what they need (grid misses with their
// addresses or sampled DRAM share, fills, weights, the GPU's streaming traffic) and wait for the
// completion; they never compute memory timing.
//
// Transfers are fluid flows. At every arrival or completion the memory system re-divides the L2
// link and DRAM time max-min fairly among the flows present (progressive filling, weighted per
// source or per flow), charging each flow's DRAM bytes by its access pattern
// (models/memory/dram_timing.h), and re-arms one event at the next completion (DRAMSys style). A
// grid-miss flow may keep only its requester's outstanding misses in flight, so its rate is at
// most window / latency, where the latency is the on-chip path plus the DRAM-side latency at the
// current load: latency-bound throughput (Little's law) and queueing emerge from the flows present
// rather than from a formula. Docs: docs/memory.md.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <systemc>
#include <vector>

#include "models/machine_config.h"
#include "models/memory/dram_timing.h"
#include "models/memory/l2_cache.h"
#include "models/stat_block.h"
#include "models/timeline.h"

namespace ngpc {

enum class MemSource : uint8_t { Ngpc = 0, Gpu = 1 };

// What a transfer carries; decides its DRAM pattern (grid misses are random lines, the rest
// streams) and how the L2 serves it.
enum class Traffic : uint8_t { GridMiss, GridFill, Weights, GpuRest };

// A requester's handle on one transfer: `ev` fires when the data has arrived; `finished` and
// `t_done` let a requester that was busy meanwhile tell whether it still has to wait.
struct MemCompletion {
  sc_core::sc_event ev;
  bool finished = false;
  double t_done = 0;  // seconds
  void reset() { finished = false; }
  // Blocks the calling thread until the transfer is complete.
  void wait_done();
};

struct MemRequest {
  MemSource src = MemSource::Ngpc;
  Traffic kind = Traffic::Weights;
  uint32_t requester = 0;  // NFP index, for the timeline
  const char* what = "transfer";
  // Bytes delivered: over the L2 link to an NFP, or for the GPU the DRAM bytes of its kernels.
  double bytes = 0;
  // Grid misses, sampled mode: the DRAM share the sample measured on the scaled L2 (bytes).
  double dram_bytes = -1;
  // Grid misses, full detail: byte addresses of the missing SRAM lines (`line_bytes` each),
  // looked up in the shared L2 as the requester issues them (see MemoryConfig::lookup_steps),
  // and optionally how many of them each level unit issued (level after level, as
  // LevelUnits::run appends them; the units issue side by side). Both must stay valid until the
  // transfer completes.
  const std::vector<uint64_t>* lines = nullptr;
  const std::vector<uint32_t>* lines_per_level = nullptr;
  uint32_t line_bytes = 64;
  // Grid fills: one resident range per (grid, frame); later requests may find it in L2.
  uint32_t grid = 0, frame = 0;
  bool broadcast = false;   // one load of the range serves every NFP of the frame
  double window_bytes = 0;  // most bytes the requester keeps in flight (0: no limit)
  double rate_cap = 0;      // most bytes/s the requester takes (0: no limit)
};

#define NGPC_MEMORY_STATS(X)                                                              \
  X(link_bytes, "B", "bytes over the NGPC <-> L2 link")                                   \
  X(ngpc_dram_bytes, "B", "DRAM bytes of NGPC traffic")                                   \
  X(gpu_dram_bytes, "B", "DRAM bytes of the GPU's own traffic")                           \
  X(link_busy_s, "s", "integral of L2-link utilisation over time (seconds at 100 %)")     \
  X(dram_busy_s, "s", "integral of DRAM bandwidth / peak over time (seconds at 100 %)")   \
  X(dram_time_busy_s, "s",                                                                \
    "integral of DRAM time in use over time, each byte charged by its pattern (seconds)") \
  X(grid_miss_bytes, "B", "grid-miss bytes looked up in the L2")                          \
  X(grid_miss_l2_hit_bytes, "B", "of which the L2 served")                                \
  X(fill_bytes, "B", "grid-fill bytes requested of the L2")                               \
  X(fill_l2_hit_bytes, "B", "of which the L2 served")                                     \
  X(grid_miss_latency_byte_s, "B s", "sum over grid-miss bytes of the latency they saw")  \
  X(grid_miss_latency_p95_s, "s", "95th percentile of the grid-miss latency, by bytes")   \
  X(transfers, "", "transfers started")
NGPC_STAT_BLOCK(MemoryStats, double, NGPC_MEMORY_STATS)

// What requesters see of the memory system (they reach it through an sc_port).
class MemoryIf : public virtual sc_core::sc_interface {
 public:
  // Starts a transfer now; `done` completes when the last byte has arrived (transfer time plus
  // the access latency at that moment).
  virtual void request(const MemRequest& r, MemCompletion* done) = 0;
  // Sampled mode (models/sampling): the DRAM bytes of these missing SRAM lines on the scaled
  // stand-in for the L2 that one followed NFP's share of the traffic sees, and the streaming
  // bytes that pass it meanwhile. Zero simulated time.
  virtual double sample_grid_misses(const uint64_t* lines, size_t n, uint32_t line_bytes) = 0;
  virtual void sample_pollute(double bytes) = 0;
  // The latency of a grid miss served by DRAM on an idle memory (on-chip path + DRAM side).
  virtual double unloaded_miss_latency_s() const = 0;
};

class MemorySystem : public sc_core::sc_module, public MemoryIf {
 public:
  SC_HAS_PROCESS(MemorySystem);
  // `sampled_share`: the share of all NFPs the sampler follows; the sampled L2 stand-in gets that
  // share of the L2's capacity.
  MemorySystem(sc_core::sc_module_name name, const MemoryConfig& cfg, double sampled_share = 1);

  void request(const MemRequest& r, MemCompletion* done) override;
  double sample_grid_misses(const uint64_t* lines, size_t n, uint32_t line_bytes) override;
  void sample_pollute(double bytes) override;
  double unloaded_miss_latency_s() const override;

  // Records every completed transfer on `t` while set (nullptr: off).
  void set_recording(Timeline* t) { timeline_ = t; }

  // This frame's statistics; resets them for the next frame.
  MemoryStats take_frame();

 private:
  // A full-detail grid-miss flow's lines. They reach the L2 as they are issued: the requester
  // keeps `window` bytes in flight, so by the time `delivered` bytes have arrived it has issued
  // the first (delivered + window) / bytes of every level unit's lines. The memory system looks
  // them up at its events and at `steps` checkpoints of each flow, all flows' new lines in
  // interleaved rounds, so concurrent NFPs' misses meet in the L2 in the order they are issued
  // rather than batch after batch. The DRAM bytes of lines not yet looked up are estimated from
  // those that were; the stats count the bytes that missed, and a flow is charged DRAM time for
  // at least those (more only where its estimate was high). `at_once` (lookup_steps = 0, or no
  // window): every line is looked up when the transfer starts.
  struct Lookups {
    bool at_once = false;
    const uint64_t* lines = nullptr;
    std::vector<uint32_t> level_end;  // cumulative line counts, by level
    std::vector<uint32_t> cursor;     // next line to look up, by level
    uint32_t line_bytes = 0;
    double bytes = 0;        // all its lines' bytes
    double issued = 0;       // fraction of every level's lines looked up so far
    double looked = 0;       // bytes looked up
    double missed = 0;       // of which DRAM serves
    double dram_done = 0;    // DRAM bytes the flow has moved
    double next_check = -1;  // remaining bytes at the next checkpoint (-1: none)
    double target = -1;      // issue_lookups(): what to look up to now (-1: nothing new)
  };
  struct Flow {
    double remaining = 0;           // in units of the flow's primary quantity (bytes)
    double a_link = 0, a_dram = 0;  // resource bytes per primary byte
    DramPatternKind pattern = DramPatternKind::Stream;
    double cap = 0;     // static rate cap (bytes/s of the primary quantity), 0 = none
    double window = 0;  // bytes in flight at most, 0 = none
    double rate = 0;
    double latency_s = 0;  // the access latency it sees now (loaded-latency curve)
    double queued_s = 0;   // beyond that: its window waiting behind a full resource
    // Set by reallocate() from the above, constant until the next: the share of its bytes DRAM
    // serves (min(1, a_dram / a_link)) and the latency bins of its L2- and DRAM-served bytes,
    // so that advance(), at every event, does no division or bin search per flow.
    double phi = 1;
    int hit_bin = 0, miss_bin = 0;
    bool grid_miss = false;
    MemSource src = MemSource::Ngpc;
    MemCompletion* done = nullptr;
    std::vector<MemCompletion*> also;  // broadcast fills waiting on this one
    double start_s = 0;
    double bytes = 0;
    const char* what = "";
    uint32_t requester = 0;
    int fill_slot = -1;  // grid fill: the range it loads
    // Full-detail grid misses: their lines, looked up as they are issued (see Lookups).
    bool address_level = false;
    Lookups lk;
  };
  struct FillRange {
    uint32_t frame = UINT32_MAX;
    double inserted_at = -1;  // L2 insertion clock when it was last fetched from DRAM
    bool in_flight = false;
    size_t flow_id = 0;
  };

  void start(Flow f);
  void issue_lookups();
  void look_up(Flow& f, double upto);
  void set_dram_share(Flow& f);
  void advance();
  struct Load {
    double link = 0, dram_time = 0, dram_rnd = 0, dram_all = 0;
  };
  void reallocate();
  Load allocate_at(double dram_utilisation);
  void fill_rates(const std::vector<size_t>& members);
  double latency_for(const Flow& f, double dram_side) const;  // uses f.phi
  static double dram_fraction(const Flow& f) {
    return f.a_link > 0 ? std::min(1.0, f.a_dram / f.a_link) : 1.0;
  }
  double dram_side_latency() const;
  void schedule();
  void on_wake();
  void complete(const Flow& f);
  static void notify_done(MemCompletion* c, double latency_s);

  MemoryConfig cfg_;
  DramTimingParams dram_;
  L2Cache l2_;         // the shared L2 (full detail, fills, GPU pollution)
  L2Cache sample_l2_;  // sampled mode: one NFP's share of it
  std::vector<Flow> flows_;
  size_t lookup_flows_ = 0;       // of them address-level (nothing to look up when 0)
  std::vector<FillRange> fills_;  // by grid id
  // Scratch for reallocate().
  std::vector<uint8_t> frozen_;
  std::vector<double> weight_, cost_link_, cost_dram_, limit_;
  std::vector<size_t> groups_[2];
  double rho_link_ = 0, rho_dram_ = 0, random_share_ = 0;
  sc_core::sc_event wake_;
  sc_core::sc_time last_;
  MemoryStats stats_;
  std::array<double, 64> latency_hist_{};  // grid-miss bytes by latency bin, this frame
  Timeline* timeline_ = nullptr;
};

}  // namespace ngpc
