#include "sim/replay/workload_builder.h"

#include <map>
#include <stdexcept>

#include "models/mlp/tcnn_padding.h"
#include "sim/error.h"
#include "sim/trace/model_grid.h"

namespace ngpc {

static Activation activation_of(const trace::MlpModel& m, const std::string& name) {
  Activation a = Activation::None;
  if (!parse_policy(name, &a))
    throw InputError("MLP '" + m.name + "': activation '" + name + "' has no MLP engine cost");
  return a;
}

std::vector<MlpLayer> mlp_layers_of(const trace::MlpModel& m) {
  std::vector<MlpLayer> layers;
  const Activation hidden = activation_of(m, m.hidden_activation);
  const Activation output = activation_of(m, m.output_activation);
  uint32_t in = tcnn_padded_width(m.input_width), useful_in = m.input_width;
  for (uint32_t h = 0; h < m.hidden_layers; ++h) {
    layers.push_back({in, m.width, useful_in, m.width, hidden});
    in = useful_in = m.width;
  }
  layers.push_back({in, tcnn_padded_width(m.output_width), useful_in, m.output_width, output});
  return layers;
}

Workload build_workload(const trace::Trace& trace, const std::vector<trace::Frame>& frames,
                        const Config& cfg) {
  Workload w;
  std::map<std::string, uint32_t> enc_id, mlp_id;
  for (const auto& e : trace.encodings) {
    try {
      w.layouts.push_back(make_grid_layout(trace::grid_params(e)));
    } catch (const std::invalid_argument& ex) {
      throw InputError(trace.path + ": encoding '" + e.name + "': " + ex.what());
    }
    enc_id[e.name] = static_cast<uint32_t>(w.layouts.size() - 1);
  }
  for (size_t i = 0; i < trace.mlps.size(); ++i)
    mlp_id[trace.mlps[i].name] = static_cast<uint32_t>(i);

  for (const trace::Frame& f : frames) {
    FrameWork fw;
    fw.frame = f.index;
    double base = 0, by_kind[3] = {0, 0, 0};
    uint64_t queries = 0;
    std::map<int64_t, size_t> step_item;  // step id -> item index
    for (uint32_t k = 0; k < f.kernels.size(); ++k) {
      const trace::Kernel& kn = f.kernels[k];
      const double t = kn.gpu_time_ns * 1e-9;
      base += t;
      const int kind = kn.kind == "encode" ? 0 : kn.kind == "mlp" ? 1 : 2;
      by_kind[kind] += t;
      WorkItem* item;
      if (kn.step >= 0 && step_item.count(kn.step)) {
        item = &fw.items[step_item[kn.step]];
      } else {
        fw.items.emplace_back();
        item = &fw.items.back();
        item->label = kn.step >= 0 ? "step " + std::to_string(kn.step) : kn.name;
        item->standalone_gpu = kn.step < 0 && kind == 2;
        if (kn.step >= 0) step_item[kn.step] = fw.items.size() - 1;
      }
      if (kind == 0) {
        const trace::EncodingModel* m = trace.find_encoding(kn.model);
        EncodeKernelWork e;
        e.kernel_index = k;
        e.encoding_id = enc_id.at(kn.model);
        e.layout = &w.layouts[e.encoding_id];
        const auto it = cfg.nfp.encoding.inputs_per_cycle.find(m->role);
        e.inputs_per_cycle = it != cfg.nfp.encoding.inputs_per_cycle.end() ? it->second : 1;
        e.queries = kn.queries;
        queries += kn.queries;
        item->encodes.push_back(e);
      } else if (kind == 1) {
        MlpKernelWork m;
        m.kernel_index = k;
        m.mlp_id = mlp_id.at(kn.model);
        m.layers = mlp_layers_of(*trace.find_mlp(kn.model));
        m.queries = kn.queries;
        item->mlps.push_back(m);
      } else {
        item->gpu_time_s += t;
        item->gpu_dram_bytes += kn.dram_bytes;
      }
    }
    w.frames.push_back(std::move(fw));
    w.baseline_s.push_back(base);
    for (int i = 0; i < 3; ++i) w.baseline_by_kind_s[i].push_back(by_kind[i]);
    w.queries.push_back(queries);
  }
  return w;
}

}  // namespace ngpc
