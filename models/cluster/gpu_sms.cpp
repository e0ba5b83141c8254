#include "models/cluster/gpu_sms.h"

#include "models/sim_context.h"

namespace ngpc {

using sc_core::SC_SEC;
using sc_core::sc_time;

GpuSms::GpuSms(sc_core::sc_module_name name, uint32_t nfps, MemoryIf& mem)
    : sc_module(name), from_nfp("from_nfp", nfps), done("done"), mem_("mem") {
  mem_.bind(mem);
  SC_THREAD(run);
}

void GpuSms::submit(const GpuJob& job, sc_core::sc_event* done) {
  standalone_.emplace_back(job, done);
  standalone_ev_.notify(sc_core::SC_ZERO_TIME);
}

double GpuSms::take_frame_busy_s() {
  const double b = busy_s_;
  busy_s_ = 0;
  return b;
}

void GpuSms::execute(const GpuJob& job) {
  const double start = sc_core::sc_time_stamp().to_seconds();
  if (job.time_s > 0 || job.dram_bytes > 0) {
    const double cap = job.time_s > 0 ? job.dram_bytes / job.time_s : 0;
    MemRequest r;
    r.src = MemSource::Gpu;
    r.kind = Traffic::GpuRest;
    r.what = "GPU traffic";
    r.bytes = job.dram_bytes;
    r.rate_cap = cap;
    mem_->request(r, &mem_done_);
    sc_core::wait(sc_time(job.time_s, SC_SEC));
    mem_done_.wait_done();
  }
  const double end = sc_core::sc_time_stamp().to_seconds();
  busy_s_ += end - start;
  if (timeline_ && end > start && timeline_->admit())
    timeline_->events.push_back({"GPU", job.name, start, end - start});
}

void GpuSms::run() {
  fresh_coroutine_stack();  // models/sim_context.h: the locals then live in serve()'s frame
  serve();
}

void GpuSms::serve() {
  // A member, not a local: the list must outlive this thread's stack, which SystemC tears down
  // while the thread still waits on it when the simulation ends.
  for (auto& p : from_nfp) any_ |= p->data_written_event();
  any_ |= standalone_ev_;
  size_t rr = 0;
  for (;;) {
    // Finished NGPC batches round robin over the NFPs (they finish in about the same order they
    // were dealt); a standalone job only when no batch waits (the dispatcher issues those between
    // steps, when no batch is in flight).
    Batch* b = nullptr;
    for (size_t k = 0; k < from_nfp.size() && !b; ++k) {
      const size_t i = (rr + k) % from_nfp.size();
      if (from_nfp[i]->nb_read(b)) rr = i + 1;
    }
    if (b) {
      b->t.gpu_start = sc_core::sc_time_stamp().to_seconds();
      execute(GpuJob{b->gpu_time_s, b->gpu_dram_bytes, b, "rest kernels, batch"});
      b->t.gpu_end = sc_core::sc_time_stamp().to_seconds();
      done->batch_done(*b);
      continue;
    }
    if (!standalone_.empty()) {
      auto [job, done] = standalone_.front();
      standalone_.pop_front();
      execute(job);
      done->notify(sc_core::SC_ZERO_TIME);
      continue;
    }
    sc_core::wait(any_);
  }
}

}  // namespace ngpc
