#include "models/cluster/nfp.h"

namespace ngpc {

Nfp::Nfp(sc_core::sc_module_name name, uint32_t index, const Config& cfg, MemoryIf& mem,
         const PositionSource* positions, sc_core::sc_fifo<Batch*>& to_gpu)
    : sc_module(name),
      input("input", 1),
      features("features", static_cast<int>(cfg.nfp.fifo_depth_batches)),
      encoder("encoder", index, cfg, mem, positions),
      mlp("mlp", index, cfg, mem),
      index_(index) {
  encoder.in(input);
  encoder.out(features);
  mlp.in(features);
  mlp.out(to_gpu);
}

}  // namespace ngpc
