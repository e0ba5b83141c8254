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

struct MemoryStats {
  double link_bytes = 0;          // over the NGPC <-> L2 link
  double dram_bytes[2] = {0, 0};  // DRAM bytes by source (Ngpc, Gpu)
  double link_busy_s = 0;         // integral of link utilisation over time (seconds at 100 %)
  double dram_busy_s = 0;
  uint64_t transfers = 0;
};

// What requesters see of the memory system (they reach it through an sc_port).
class MemoryIf : public virtual sc_core::sc_interface {
 public:
  // Starts a transfer now; see MemorySystem::transfer.
  virtual void transfer(MemSource src, double link_bytes, double dram_bytes, double rate_cap,
                        MemCompletion* done, const char* what = "transfer",
                        uint32_t requester = 0) = 0;
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

  // When set, every completed transfer is appended (for the first frame's timeline).
  std::vector<TimelineEvent>* record = nullptr;

  const MemoryStats& stats() const { return stats_; }
  double latency_s(double dram_fraction) const;

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

  MemoryConfig cfg_;
  std::vector<Flow> flows_;
  std::vector<uint8_t> frozen_;  // scratch for reallocate()
  std::vector<double> weight_;
  sc_core::sc_event wake_;
  sc_core::sc_time last_;
  MemoryStats stats_;
};

}  // namespace ngpc
