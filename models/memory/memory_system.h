// The memory the NGPC shares with the GPU: the NGPC's link to the GPU's L2 and the GDDR6X DRAM
// behind it. Transfers are fluid flows; at every arrival or completion the bandwidth of each
// resource is re-divided max-min fairly among the flows using it (progressive filling, weighted
// per source or per flow as configured), and one
// event is re-armed at the next completion. Contention between NFPs, and between the NGPC and the
// GPU's own traffic, emerges from that sharing rather than from a formula.
#pragma once

#include <array>
#include <cstdint>
#include <systemc>
#include <vector>

#include "models/machine_config.h"
#include "models/stat_block.h"
#include "models/timeline.h"

namespace ngpc {

enum class MemSource : uint8_t { Ngpc = 0, Gpu = 1 };

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

#define NGPC_MEMORY_STATS(X)                                                              \
  X(link_bytes, "B", "bytes over the NGPC <-> L2 link")                                   \
  X(ngpc_dram_bytes, "B", "DRAM bytes of NGPC traffic")                                   \
  X(gpu_dram_bytes, "B", "DRAM bytes of the GPU's own traffic")                           \
  X(link_busy_s, "s", "integral of L2-link utilisation over time (seconds at 100 %)")     \
  X(dram_busy_s, "s", "integral of DRAM utilisation over time (seconds at 100 %)")        \
  X(transfers, "", "transfers started")
NGPC_STAT_BLOCK(MemoryStats, double, NGPC_MEMORY_STATS)

// Where grid misses of a grid are served: the share of their bytes DRAM serves (the rest hits
// in L2) and their access latency.
struct GridMissPath {
  double dram_fraction = 0;
  double latency_s = 0;
};

// What requesters see of the memory system (they reach it through an sc_port).
class MemoryIf : public virtual sc_core::sc_interface {
 public:
  // Starts a transfer now; see MemorySystem::transfer.
  virtual void transfer(MemSource src, double link_bytes, double dram_bytes, double rate_cap,
                        MemCompletion* done, const char* what = "transfer",
                        uint32_t requester = 0) = 0;
  // How the misses of a grid whose SRAM-resident part leaves `non_resident_bytes` to L2/DRAM are
  // served. The memory system owns the L2 and the latencies; engines only ask.
  virtual GridMissPath grid_miss_path(uint64_t non_resident_bytes) const = 0;
  // NFP `nfp`'s grid misses of `bytes`, served along `path`.
  virtual void grid_misses(uint32_t nfp, double bytes, const GridMissPath& path,
                           MemCompletion* done) = 0;
  // NFP `nfp`'s frame-start fill of `bytes` of grid data into its SRAMs.
  virtual void grid_fill(uint32_t nfp, double bytes, MemCompletion* done) = 0;
};

class MemorySystem : public sc_core::sc_module, public MemoryIf {
 public:
  SC_HAS_PROCESS(MemorySystem);
  MemorySystem(sc_core::sc_module_name name, const MemoryConfig& cfg);

  // Starts a transfer now. `link_bytes` cross the NGPC's L2 link, `dram_bytes` must come from
  // DRAM (NGPC flows: the L2-missing part; GPU flows: link_bytes = 0). `rate_cap` (bytes/s of the
  // flow's larger quantity, 0 = none) models a requester that cannot consume faster. `done`
  // completes when the last byte has arrived, i.e. after transfer time plus access latency.
  // `what` and `requester` (an NFP index) label the transfer on the timeline.
  void transfer(MemSource src, double link_bytes, double dram_bytes, double rate_cap,
                MemCompletion* done, const char* what = "transfer",
                uint32_t requester = 0) override;

  GridMissPath grid_miss_path(uint64_t non_resident_bytes) const override;
  void grid_misses(uint32_t nfp, double bytes, const GridMissPath& path,
                   MemCompletion* done) override;
  void grid_fill(uint32_t nfp, double bytes, MemCompletion* done) override;

  // Records every completed transfer on the timeline while on.
  void set_recording(bool on) { recording_ = on; }
  std::vector<TimelineEvent> take_timeline() { return std::move(timeline_); }

  // This frame's statistics; resets them for the next frame.
  MemoryStats take_frame();

 private:
  struct Flow {
    double remaining = 0;           // in units of the flow's primary quantity (bytes)
    double a_link = 0, a_dram = 0;  // resource bytes per primary byte
    double cap = 0;
    double rate = 0;
    double latency_s = 0;
    MemSource src = MemSource::Ngpc;
    MemCompletion* done = nullptr;
    double start_s = 0;
    double bytes = 0;
    const char* what = "";
    uint32_t requester = 0;
  };

  void advance();
  void reallocate();
  void schedule();
  void on_wake();
  void complete(const Flow& f);
  static void notify_done(MemCompletion* c, double latency_s);
  double latency_s(double dram_fraction) const;

  MemoryConfig cfg_;
  bool per_source_;
  std::vector<Flow> flows_;
  std::vector<uint8_t> frozen_;  // scratch for reallocate()
  std::vector<double> weight_;
  sc_core::sc_event wake_;
  sc_core::sc_time last_;
  MemoryStats stats_;
  bool recording_ = false;
  std::vector<TimelineEvent> timeline_;
};

}  // namespace ngpc
