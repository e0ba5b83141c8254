// The effective machine configuration (models/ sees only this plain struct, never JSON) as plain
// numbers in base units (Hz, bytes, bytes/s, seconds, mm², W, J) and policies as enums. Filled
// once at load time from the JSON files (sim/config/): every choice is resolved there, so the
// models' hot paths compare no strings.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "models/policy_names.h"

namespace ngpc {

// Grid SRAM contents. Cache: set-associative LRU over lines, filled on demand from L2/DRAM.
// Static: the first floor(capacity / entry_bytes) entries of a level are loaded at frame start
// and stay resident; every other entry always misses and is not allocated. Resident: every
// level's whole table is loaded at frame start and only looked up, whatever its size (the
// paper's sizing intent; a table larger than the SRAM makes this an assumption, not hardware,
// and the report says by how much).
enum class SramPolicy : uint8_t { Cache, Static, Resident };
// Which bank a corner read goes to. Interleaved: entry mod banks. Corner parity: on dense levels
// the parity of the corner's coordinates (x, y, z mod 2), so the 2^d corners of one lookup fall
// in distinct banks; hashed levels, where an entry stands for coordinates of any parity, stay
// interleaved.
enum class BankMapping : uint8_t { Interleaved, CornerParity };
enum class DispatchPolicy : uint8_t { LeastLoaded, RoundRobin };
// Bandwidth division under contention: per source (NGPC and GPU are two clients, NFPs share the
// NGPC's part), per flow (every transfer equal), or isolated: each source is served as if it were
// alone on the L2 link and DRAM, so NGPC and GPU traffic never contend (the paper's emulator did
// not model contention; no real memory does this).
enum class Arbitration : uint8_t { PerSource, PerFlow, Isolated };
enum class MlpDataflow : uint8_t { WeightStationary, OutputStationary };
enum class Precision : uint8_t { Fp16, Fp32, Int8 };
enum class WeightSource : uint8_t { Buffer, L2 };  // L2: weights re-read from L2 every batch
enum class DetailMode : uint8_t { Sampled, Full };
// Frame-start fills of resident grid data: every NFP loads its own copy (its link transfer, the
// L2 serving later NFPs as far as it still holds the data), or one load is broadcast to all NFPs.
enum class GridFill : uint8_t { PerNfp, Broadcast };
// DRAM: pattern-aware (row activations make random lines costlier than streams, latency grows
// with load; shared/reference/dram-gddr6-ramulator2.md) or an ideal server at peak bandwidth
// with a fixed latency.
enum class DramModel : uint8_t { Pattern, Bandwidth };
// tcnn's activations as the MLP engine costs them.
enum class Activation : uint8_t { None, Relu, Sigmoid, Exponential, Squareplus };
inline constexpr size_t kActivations = 5;
// How the SRAM figures of the technology table (CACTI 7 at 45 / 22 nm) reach the reported node:
// Stillmaker & Baas scaling equations from 45 nm (the paper's method), or the bit-cell rule
// (a measured cell at the node over CACTI's 22 nm cell) for area with Stillmaker & Baas from
// 22 nm for energy, delay and leakage. Logic always scales by Stillmaker & Baas from 45 nm.
enum class SramScaling : uint8_t { StillmakerBaas, BitCell };
inline constexpr size_t kSramScalings = 2;

template <>
struct PolicyNames<SramPolicy> {
  static constexpr const char* names[] = {"cache", "static", "resident"};
};
template <>
struct PolicyNames<BankMapping> {
  static constexpr const char* names[] = {"interleaved", "corner_parity"};
};
template <>
struct PolicyNames<DispatchPolicy> {
  static constexpr const char* names[] = {"least_loaded", "round_robin"};
};
template <>
struct PolicyNames<Arbitration> {
  static constexpr const char* names[] = {"per_source", "per_flow", "isolated"};
};
template <>
struct PolicyNames<MlpDataflow> {
  static constexpr const char* names[] = {"weight_stationary", "output_stationary"};
};
template <>
struct PolicyNames<Precision> {
  static constexpr const char* names[] = {"fp16", "fp32", "int8"};
};
template <>
struct PolicyNames<WeightSource> {
  static constexpr const char* names[] = {"buffer", "l2"};
};
template <>
struct PolicyNames<DetailMode> {
  static constexpr const char* names[] = {"sampled", "full"};
};
template <>
struct PolicyNames<GridFill> {
  static constexpr const char* names[] = {"per_nfp", "broadcast"};
};
template <>
struct PolicyNames<DramModel> {
  static constexpr const char* names[] = {"pattern", "bandwidth"};
};
template <>
struct PolicyNames<SramScaling> {
  static constexpr const char* names[] = {"stillmaker_baas", "bit_cell"};
};
template <>
struct PolicyNames<Activation> {
  static constexpr const char* names[] = {"none", "relu", "sigmoid", "exponential", "squareplus"};
};

struct GridSramConfig {
  uint64_t capacity_bytes = 1000000;  // "1 MB" per level unit [paper-2nd]
  uint32_t banks = 8;                 // power of two [est]
  uint32_t ports_per_bank = 1;        // [est]
  BankMapping bank_mapping = BankMapping::Interleaved;
  // Full copies of the SRAM's contents; the reads of an issue group are spread over them (read j
  // of n on replica floor(j x replicas / n)), each replica banked as above. Area and fill writes
  // scale with the copies.
  uint32_t replicas = 1;
  uint32_t access_latency_cycles = 2;  // [est]
  SramPolicy policy = SramPolicy::Cache;
  uint32_t line_bytes = 64;    // cache line, power of two [est]
  uint32_t associativity = 4;  // [est]
};

struct EncodingEngineConfig {
  uint32_t level_units = 16;  // [paper-2nd]
  // Inputs a level unit processes per cycle, per grid encoding role [paper-2nd]; resolved per
  // encode kernel when the workload is built.
  std::map<std::string, uint32_t> inputs_per_cycle = {
      {"hashgrid", 1}, {"densegrid", 2}, {"lowres_densegrid", 8}};
  uint32_t pipeline_latency_cycles = 6;  // pos_fract + grid_index + interpol_weights [est]
  uint32_t max_outstanding_misses = 64;  // per level unit, like MSHRs [est]
  GridFill grid_fill = GridFill::PerNfp;
  GridSramConfig grid_sram;
};

struct MlpEngineConfig {
  uint32_t rows = 64;                                    // [paper-2nd]
  uint32_t cols = 64;                                    // [paper-2nd]
  MlpDataflow dataflow = MlpDataflow::WeightStationary;  // [est]
  Precision precision = Precision::Fp16;                 // [est]
  uint64_t weight_buffer_bytes = 65536;                  // [est]
  uint64_t activation_buffer_bytes = 524288;             // [est]
  WeightSource weight_source = WeightSource::Buffer;
  bool weight_double_buffering = true;  // [est]
  // Extra cycles per batch row a layer's output activation costs, by Activation (ReLU is free in
  // the array's output stage; transcendental ones take a pass through the activation unit) [est].
  std::array<uint32_t, kActivations> activation_cycles_per_row = {0, 0, 1, 1, 1};
};

struct NfpConfig {
  EncodingEngineConfig encoding;
  uint32_t fifo_depth_batches = 2;  // encoded-feature FIFO between the engines [est]
  MlpEngineConfig mlp;
};

struct ClusterConfig {
  uint32_t scaling_factor = 8;  // number of NFPs [paper-2nd]
  uint32_t batch_size = 4096;   // queries per batch, multiple of 256 [est]
  DispatchPolicy dispatch = DispatchPolicy::LeastLoaded;
  uint32_t dispatch_latency_cycles = 4;  // [est]
};

struct L2Config {
  uint64_t capacity_bytes = 6000000;  // 6 MB on GA102 [spec §1]
  uint32_t line_bytes = 128;          // [NVIDIA CUDA C++ Best Practices Guide]
  uint32_t ways = 16;                 // [est] not published (sectors: dram.access_bytes)
  // Fraction of each set's ways grid lines may allocate into (way partitioning; 1 = shared LRU).
  double grid_share = 1.0;
  double link_bandwidth_bytes_per_s = 2.0e12;  // NGPC <-> L2 [est]
  double latency_s = 200e-9;  // on-chip path of an L2 access (crossbar + L2 hit) [est]
  // Full detail: checkpoints per grid-miss transfer at which the lines its NFP has issued by then
  // are looked up in the L2, besides every other memory event (0, or a transfer without a
  // window: all at the transfer's start).
  // Methodology, not hardware: how finely concurrent NFPs' misses interleave in the L2 [est].
  uint32_t lookup_steps = 8;
};

struct DramPatternConfig {
  double sustained_fraction = 1;
  double latency_s[4] = {0, 0, 0, 0};  // DRAM-side, at 0 / 50 / 80 / 95 % of saturation
};

struct DramConfig {
  double bandwidth_bytes_per_s = 936e9;  // GDDR6X on the RTX 3090 [spec §1]
  DramModel model = DramModel::Pattern;
  double latency_s = 46.9e-9;  // model "bandwidth": the DRAM-side latency [ref] Ramulator 2.1
  uint32_t access_bytes = 32;  // minimum transfer: the L2 sector, misses fetch whole ones
  Arbitration arbitration = Arbitration::PerSource;  // [est]
  // Ramulator 2.1 GDDR6 at 936.6 GB/s peak (shared/reference/dram-gddr6-ramulator2.md).
  DramPatternConfig random{0.297, {46.9e-9, 75e-9, 108e-9, 169e-9}};
  DramPatternConfig stream{0.891, {22.3e-9, 35e-9, 52e-9, 89e-9}};
  DramPatternConfig mix{0.398, {39.8e-9, 69e-9, 98e-9, 180e-9}};
};

struct MemoryConfig {
  L2Config l2;
  DramConfig dram;
};

struct GpuConfig {
  std::string name = "NVIDIA RTX 3090";
  double die_area_mm2 = 628.4;   // [spec §1]
  double board_power_w = 350;    // [spec §1]
  bool fusion = true;            // rest-of-kernels fused into one kernel [paper]
  double fusion_speedup = 9.94;  // [paper]
  bool overlap = true;           // GPU on batch n while the NGPC runs batch n+1 [paper-2nd]
  bool dram_traffic = true;      // the rest kernels move their DRAM bytes (contend, pass the L2)
  uint32_t pipeline_depth = 2;   // batches in flight between NGPC and GPU [est]
};

// Address-level detail (spec §3). Full: every query of every batch is simulated on its NFP's
// SRAMs. Sampled: per frame and grid, `sample_windows` time windows (N consecutive batches, the
// ones the N NFPs run side by side) are simulated with every NFP's SRAM state and the shared L2,
// each batch over `sample_queries` of its queries (0: all) at a seeded offset after
// `warmup_queries` uncounted ones, and every batch takes the rates of the batch at its place in the
// nearest sampled window; kernels where that saves nothing are simulated whole (docs/sampling.md).
struct DetailConfig {
  DetailMode mode = DetailMode::Sampled;
  uint32_t sample_windows = 16;    // time windows per frame and grid, >= 2 [est]
  uint32_t sample_queries = 1024;  // queries of each batch in a sampled window [est]
  uint32_t warmup_queries = 8192;  // uncounted queries before them [est]
  // 95 % half-width of the sampled frame time's error that more windows do not shrink (cold
  // SRAMs, the sampler's L2 order), added to the sampling interval in quadrature [est]
  double systematic_rel_err = 0.025;
  uint64_t seed = 1;
};

struct TechConfig {
  std::string table = "tech/nangate45.json";   // relative to configs/
  std::string node = "7nm";                    // node the results are reported at
  SramScaling scaling = SramScaling::BitCell;  // [est] docs/energy-area.md §4
};

struct Config {
  std::string name = "ngpc";
  std::string description;
  double clock_hz = 1e9;  // NGPC clock [est]
  ClusterConfig cluster;
  NfpConfig nfp;
  MemoryConfig memory;
  GpuConfig gpu;
  DetailConfig detail;
  TechConfig tech;
  std::string source_dir;  // directory of the top config file (resolves relative references)
};

}  // namespace ngpc
