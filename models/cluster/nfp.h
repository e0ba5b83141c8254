// A Neural Field Processor: encoding engine -> encoded-feature FIFO -> MLP engine, fused so the
// features never leave the chip (spec §1). The FIFO's depth bounds how far the encoder may run
// ahead; a slower MLP engine back-pressures it, so the NFP's throughput is its slowest stage's.
#pragma once

#include <systemc>

#include "models/encoding/encoding_engine.h"
#include "models/mlp/mlp_engine.h"

namespace ngpc {

class Nfp : public sc_core::sc_module {
 public:
  sc_core::sc_fifo<Batch*> input;     // one batch register the dispatcher writes
  sc_core::sc_fifo<Batch*> features;  // encoded features of whole batches
  EncodingEngine encoder;
  MlpEngine mlp;

  Nfp(sc_core::sc_module_name name, uint32_t index, const Config& cfg, MemoryIf& mem,
      const PositionSource* positions, sc_core::sc_fifo<Batch*>& to_gpu);

  uint32_t index() const { return index_; }

 private:
  uint32_t index_;
};

}  // namespace ngpc
