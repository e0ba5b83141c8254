// Upper (and a few lower) bounds of the configuration's size-like parameters, so an absurd value is
// refused at load time with a message instead of exhausting memory, overflowing a counter or
// running for hours. docs/input-limits.md gives the reason for each; docs/config-schema.json
// repeats the integer ones as "maximum" and the quantity ones as "x-minimum" / "x-maximum", and a
// unit test keeps the schema equal to these constants.
#pragma once

#include <cstdint>

namespace ngpc::config_limits {

// NFPs. Each NFP runs two SystemC thread processes (encoding and MLP engine) with 256 KiB
// coroutine stacks (SC_DEFAULT_STACK_SIZE of Debian's SystemC 2.3.4): 512 MiB of stacks at 1024
// NFPs; near 16 000 NFPs the stacks' mappings exhaust Linux's default vm.max_map_count and SystemC
// aborts (E518). The paper studies up to 64.
inline constexpr uint64_t kMaxNfps = 1024;
// Queries per batch (also the largest warm-up): a full-detail batch holds its positions (12 B per
// query) per engine, and batch counts stay small enough to index with 32 bits.
inline constexpr uint64_t kMaxBatchSize = 1u << 20;
// Level units serve whole grid levels and a grid has at most 32 (trace format); more stay idle.
inline constexpr uint64_t kMaxLevelUnits = 32;
inline constexpr uint64_t kMaxInputsPerCycle = 1024;  // per level unit (paper: 1 to 8)
inline constexpr uint64_t kMaxOutstandingMisses = 65536;
inline constexpr uint64_t kMaxBanks = 1024;
inline constexpr uint64_t kMaxPortsPerBank = 64;
// Copies of a grid SRAM: one per corner read of the widest issue group the paper states (8
// inputs of 8 corners) is 64.
inline constexpr uint64_t kMaxReplicas = 64;
inline constexpr uint64_t kMaxAssociativity = 64;  // a lookup scans every way
inline constexpr uint64_t kMaxL2Ways = 64;         // likewise for the L2
// Checkpoints per full-detail grid-miss transfer (memory.l2.lookup_steps): each is a memory event.
inline constexpr uint64_t kMaxLookupSteps = 4096;
// Batches a FIFO holds (nfp.fifo_depth_batches, gpu.pipeline_depth); SystemC FIFOs allocate
// their depth up front, one per NFP.
inline constexpr uint64_t kMaxFifoDepth = 1024;
inline constexpr uint64_t kMaxMacArraySide = 4096;  // nfp.mlp.rows and cols (paper: 64)
// Time windows simulated per encode kernel in sampled mode: 1024 windows of 64 NFPs hold 268 M
// queries at the default batch size, more than any frame of the bundled traces (the kernel is then
// simulated whole anyway: sampling falls back when it saves no work).
inline constexpr uint64_t kMaxSampleWindows = 1024;
inline constexpr uint64_t kMaxWarmupQueries = kMaxBatchSize;
// Every latency given in cycles: 1 ms at 1 GHz.
inline constexpr uint64_t kMaxLatencyCycles = 1000000;

// detail.seed: JSON Schema validation (valijson) reads integers as signed 64-bit.
inline constexpr uint64_t kMaxSeed = 9223372036854775807ull;

// Quantities, in the family's units.
inline constexpr const char* kMaxGridSramCapacity = "1 GiB";  // per level unit (paper: 1 MB)
inline constexpr const char* kMaxLineBytes = "4 KiB";         // grid SRAM line, DRAM access
inline constexpr const char* kMaxBufferBytes = "1 GiB";       // MLP weight / activation buffer
inline constexpr const char* kMaxL2Capacity = "1 GiB";        // GA102: 6 MB
// SystemC time has a 1 ps resolution and 64 bits: cycles must be well above 1 ps and a frame's
// worth of cycles must fit.
inline constexpr const char* kMinClock = "1 MHz";
inline constexpr const char* kMaxClock = "100 GHz";
// A 4K frame moves gigabytes: below 1 MB/s one frame takes simulated days.
inline constexpr const char* kMinBandwidth = "1 MB/s";
inline constexpr const char* kMaxBandwidth = "1000 TB/s";
inline constexpr const char* kMaxLatency = "1 ms";  // L2 and DRAM latency (DRAM: 400 ns)

}  // namespace ngpc::config_limits
