// The MLP engine against its closed form (docs/mlp-engine.md), written here independently of the
// engine's tile loop: weight stationary with double buffering,
//   cycles(layer, n) = R + ceil(K/R) * ceil(N/C) * (n + R + C - 2)
// per sub-batch of at most S rows, S = largest multiple of R with 2 * S * W * bytes <= buffer.
#include "models/mlp/mlp_engine.h"

#include <gtest/gtest.h>

#include "closed_form.h"

namespace ngpc {
namespace {

uint64_t cdiv(uint64_t a, uint64_t b) {
  return (a + b - 1) / b;
}

uint64_t ws_formula(uint64_t R, uint64_t C, uint64_t K, uint64_t N, uint64_t n) {
  return R + cdiv(K, R) * cdiv(N, C) * (n + R + C - 2);
}

MlpTiming timing(uint32_t r, uint32_t c, uint64_t buffer = 1ull << 40) {
  MlpEngineConfig cfg;
  cfg.rows = r;
  cfg.cols = c;
  cfg.activation_buffer_bytes = buffer;
  return mlp_timing(cfg);
}

struct Shape {
  uint32_t in, out;
};

TEST(MlpEngineClosedForm, WeightStationarySingleLayers) {
  for (uint32_t array : {32u, 64u, 128u})
    for (Shape s : {Shape{32, 64}, Shape{64, 64}, Shape{64, 16}})
      for (uint64_t n = 128; n <= 65536; n *= 2) {
        const MlpTiming t = timing(array, array);
        const std::vector<MlpLayer> layers{{s.in, s.out, s.in, s.out, Activation::Relu}};
        const double model = double(mlp_network_cycles(t, layers, n, nullptr));
        if (array == 64 && s.in == 64 && s.out == 64 && n == 16384)
          test::record_closed_form(
              "MLP engine, 64x64 array, 64->64 layer, 16384 rows: cycles vs "
              "weight-stationary formula",
              model, double(ws_formula(array, array, s.in, s.out, n)));
        EXPECT_EQ(mlp_network_cycles(t, layers, n, nullptr),
                  ws_formula(array, array, s.in, s.out, n))
            << array << "x" << array << " " << s.in << "->" << s.out << " n=" << n;
      }
}

TEST(MlpEngineClosedForm, WeightStationaryWithoutDoubleBufferingExposesEveryLoad) {
  MlpEngineConfig cfg;
  cfg.rows = cfg.cols = 32;
  cfg.weight_double_buffering = false;
  cfg.activation_buffer_bytes = 1ull << 40;
  const MlpTiming t = mlp_timing(cfg);
  const std::vector<MlpLayer> layers{{64, 64, 64, 64, Activation::Relu}};
  // 2 x 2 tiles, each loads its 32 weight rows then streams 1000 rows with 62 cycles of skew.
  EXPECT_EQ(mlp_network_cycles(t, layers, 1000, nullptr), 4u * (32 + 1000 + 62));
}

TEST(MlpEngineClosedForm, OutputStationary) {
  MlpEngineConfig cfg;
  cfg.dataflow = MlpDataflow::OutputStationary;
  cfg.activation_buffer_bytes = 1ull << 40;
  const MlpTiming t = mlp_timing(cfg);
  const std::vector<MlpLayer> layers{{32, 64, 32, 64, Activation::Relu}};
  // ceil(n/64) row tiles x 1 column tile, each K + R + C - 2 = 32 + 126 cycles.
  EXPECT_EQ(mlp_network_cycles(t, layers, 4096, nullptr), 64u * (32 + 126));
}

TEST(MlpEngineClosedForm, SubBatchesWhenActivationsExceedTheBuffer) {
  // 64-wide activations, fp16, in + out: 256 B per row; 64 KiB buffer -> 256-row sub-batches.
  const MlpTiming t = timing(64, 64, 64 * 1024);
  const std::vector<MlpLayer> layers{{64, 64, 64, 64, Activation::Relu}};
  EXPECT_EQ(mlp_sub_batch(t, layers), 256u);
  EXPECT_EQ(mlp_network_cycles(t, layers, 1024, nullptr), 4 * ws_formula(64, 64, 64, 64, 256));
}

TEST(MlpEngineClosedForm, NerfNetworksMacCountsMatchTcnn) {
  // spec §2: NeRF 10,240 MACs per query (density 32->64->16, rgb 32->64->64->16 padded).
  const MlpTiming t = timing(64, 64);
  MlpActivity a;
  const std::vector<MlpLayer> density{{32, 64, 32, 64, Activation::Relu},
                                      {64, 16, 64, 16, Activation::None}};
  const std::vector<MlpLayer> rgb{{32, 64, 32, 64, Activation::Relu},
                                  {64, 64, 64, 64, Activation::Relu},
                                  {64, 16, 64, 3, Activation::None}};
  mlp_network_cycles(t, density, 1, &a);
  mlp_network_cycles(t, rgb, 1, &a);
  EXPECT_EQ(a.macs, 10240u);
}

TEST(MlpEngineClosedForm, NonReluActivationCostsCyclesPerRow) {
  const MlpTiming t = timing(64, 64);
  const std::vector<MlpLayer> relu{{64, 16, 64, 16, Activation::Relu}};
  const std::vector<MlpLayer> sig{{64, 16, 64, 16, Activation::Sigmoid}};
  EXPECT_EQ(mlp_network_cycles(t, sig, 512, nullptr) - mlp_network_cycles(t, relu, 512, nullptr),
            512u);  // default 1 cycle per row for sigmoid [est]
}

}  // namespace
}  // namespace ngpc
