#include "sim/workloads/gen_common.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "sim/error.h"

namespace ngpc::trace::gen {

void FrameBuilder::add(Kernel k) {
  if (!frame_.kernels.empty()) k.deps = {static_cast<uint32_t>(frame_.kernels.size() - 1)};
  frame_.kernels.push_back(std::move(k));
}

void FrameBuilder::gpu(const std::string& name, uint64_t elements, int64_t step) {
  Kernel k;
  k.kind = "gpu";
  k.name = name;
  k.queries = elements;
  k.step = step;
  add(std::move(k));
}

void FrameBuilder::encode(const std::string& model, uint64_t queries, int64_t step) {
  Kernel k;
  k.kind = "encode";
  k.name = "kernel_grid";  // tcnn's grid encoding kernel
  k.model = model;
  k.queries = queries;
  k.step = step;
  add(std::move(k));
}

void FrameBuilder::mlp(const std::string& model, uint64_t queries, int64_t step) {
  Kernel k;
  k.kind = "mlp";
  k.name = "kernel_mlp_fused";  // tcnn's fully fused MLP kernel
  k.model = model;
  k.queries = queries;
  k.step = step;
  add(std::move(k));
}

namespace {

std::string qpp_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

}  // namespace

double solve_decay(const std::function<uint64_t(double)>& launched, uint64_t target,
                   const std::string& app, uint64_t pixels, uint64_t fixed) {
  double lo = std::log(1e-3), hi = std::log(1e7);
  const uint64_t at_lo = launched(std::exp(lo)), at_hi = launched(std::exp(hi));
  // Messages count the fixed launches too, so they speak in the user's queries per pixel.
  const std::string range = " (this view allows " + qpp_text(double(at_lo + fixed) / pixels) +
                            " to " + qpp_text(double(at_hi + fixed) / pixels) +
                            " queries per pixel)";
  if (at_lo > target) {
    throw InputError(app + ": --queries-per-pixel " + qpp_text(double(target + fixed) / pixels) +
                     " is below what the ray loop launches when every alive ray takes one step" +
                     range);
  }
  if (at_hi < target) {
    throw InputError(app + ": --queries-per-pixel " + qpp_text(double(target + fixed) / pixels) +
                     " is above what the ray loop can launch" + range);
  }
  for (int it = 0; it < 100; ++it) {
    const double mid = 0.5 * (lo + hi);
    (launched(std::exp(mid)) < target ? lo : hi) = mid;
  }
  return std::exp(hi);
}

std::vector<uint64_t> fit_launches(const std::vector<double>& wanted, uint64_t target,
                                   double* scale) {
  const uint64_t units = target / kBatchGranularity;
  const size_t n = wanted.size();
  *scale = 1;
  if (n == 0) {
    if (target != 0) throw InputError("no network launches to carry the frame's queries");
    return {};
  }
  if (units < n) {
    throw InputError("queries per pixel too low: the frame's " + std::to_string(target) +
                     " queries cannot give each of its " + std::to_string(n) +
                     " network launches one batch of " + std::to_string(kBatchGranularity));
  }
  const double sum = std::accumulate(wanted.begin(), wanted.end(), 0.0);
  *scale = sum > 0 ? double(target) / sum : 1;
  std::vector<double> ideal(n);
  std::vector<uint64_t> u(n);
  uint64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    ideal[i] = sum > 0 ? wanted[i] * *scale / kBatchGranularity : double(units) / n;
    u[i] = std::max<uint64_t>(1, static_cast<uint64_t>(std::floor(ideal[i])));
    total += u[i];
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (total < units) {  // largest remainders first
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return ideal[a] - double(u[a]) > ideal[b] - double(u[b]);
    });
    for (size_t k = 0; total < units; k = (k + 1) % n, ++total) ++u[order[k]];
  } else if (total > units) {  // the max(1, .) bumps overshot: take from the most over-served
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return double(u[a]) - ideal[a] > double(u[b]) - ideal[b];
    });
    while (total > units) {
      bool took = false;
      for (size_t k = 0; k < n && total > units; ++k) {
        if (u[order[k]] > 1) {
          --u[order[k]];
          --total;
          took = true;
        }
      }
      if (!took) break;  // unreachable: units >= n
    }
  }
  for (auto& x : u) x *= kBatchGranularity;
  return u;
}

}  // namespace ngpc::trace::gen
