// The GPU's part of a frame: the kernels the NGPC does not run. Their baseline time comes from the
// trace; with fusion on, the rest-of-kernels fusion speed-up divides it (spec §1: 9.94x). The GPU
// serves one job at a time: a batch's share of a step's remaining kernels (overlapping the NGPC's
// next batches when overlap is on) or a standalone kernel. A job's DRAM traffic is a flow on the
// shared memory system capped at its baseline rate, so NGPC traffic can slow the GPU down and
// the other way round.
#pragma once

#include <deque>
#include <string>
#include <systemc>
#include <vector>

#include "models/batch.h"
#include "models/memory/memory_system.h"
#include "models/timeline.h"

namespace ngpc {

// Where the GPU reports a finished batch (the dispatcher implements it).
class BatchDoneIf : public virtual sc_core::sc_interface {
 public:
  virtual void batch_done(const Batch& b) = 0;
};

struct GpuJob {
  double time_s = 0;
  double dram_bytes = 0;
  Batch* batch = nullptr;  // null for a standalone job
  std::string name;
};

class GpuSms : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(GpuSms);
  // One queue per NFP from its MLP engine (sc_fifo has one writer); depth = pipeline depth.
  sc_core::sc_vector<sc_core::sc_fifo_in<Batch*>> from_nfp;

  sc_core::sc_port<BatchDoneIf> done;  // every finished batch is reported here

  GpuSms(sc_core::sc_module_name name, uint32_t nfps, MemoryIf& mem);

  // A standalone GPU job, run after the batches already queued; `done` fires when it finishes.
  void submit(const GpuJob& job, sc_core::sc_event* done);

  // Records every job on `t` while set (nullptr: off).
  void set_recording(Timeline* t) { timeline_ = t; }
  // Seconds the SMs were busy with rest kernels this frame; resets for the next frame.
  double take_frame_busy_s();

 private:
  void run();
  __attribute__((noinline)) void serve();  // run() on a cleared stack
  void execute(const GpuJob& job);

  sc_core::sc_port<MemoryIf> mem_;
  std::deque<std::pair<GpuJob, sc_core::sc_event*>> standalone_;
  sc_core::sc_event standalone_ev_;
  sc_core::sc_event_or_list any_;
  MemCompletion mem_done_;
  double busy_s_ = 0;
  Timeline* timeline_ = nullptr;
};

}  // namespace ngpc
