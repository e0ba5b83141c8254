// GIA scene "image": the screen shows a window of the gigapixel image; query q of the encode
// kernel is pixel q in scanline order (exactly one query per pixel), and its position is that
// pixel's centre in image coordinates [0,1]^2. The window pans by pan_per_frame each frame.
#include <algorithm>
#include <cmath>

#include "sim/scenes/scene_impl.h"

namespace ngpc::trace::scene {
namespace {

class ImageScene : public ngpc::PositionSource {
 public:
  explicit ImageScene(const Trace& t) : width_(t.header.width), height_(t.header.height) {
    const auto& p = t.positions.params;
    zoom_ = param_number(p, "zoom", 1e-9, 1);
    aspect_ = param_number(p, "image_aspect", 1e-3, 1e3);
    const nlohmann::json* c = p.contains("center") ? &p["center"] : nullptr;
    const nlohmann::json* pan = p.contains("pan_per_frame") ? &p["pan_per_frame"] : nullptr;
    auto pair = [](const nlohmann::json* j, const char* name, double lo, double hi, double* out) {
      if (!j || !j->is_array() || j->size() != 2 || !(*j)[0].is_number() || !(*j)[1].is_number()) {
        throw InputError(std::string("positions.params.") + name + ": expected [u, v]");
      }
      for (int i = 0; i < 2; ++i) {
        out[i] = (*j)[i].get<double>();
        if (!std::isfinite(out[i]) || out[i] < lo || out[i] > hi) {
          throw InputError(std::string("positions.params.") + name + ": values must lie in [" +
                           std::to_string(lo) + ", " + std::to_string(hi) + "], got " + j->dump());
        }
      }
    };
    pair(c, "center", 0, 1, center_);
    pair(pan, "pan_per_frame", -1, 1, pan_);
  }

  void positions(uint32_t frame, uint32_t /*kernel*/, uint64_t first_query, uint32_t count,
                 uint32_t dims, float* out) const override {
    check_dims("image", 2, dims);
    const uint64_t pixels = uint64_t{width_} * height_;
    const double cu = center_[0] + pan_[0] * frame, cv = center_[1] + pan_[1] * frame;
    // The window is zoom image-widths wide; rows keep the screen's and the image's aspect.
    const double su = zoom_ / width_, sv = zoom_ * aspect_ / width_;
    auto clamp01 = [](double v) { return static_cast<float>(std::clamp(v, 0.0, 1.0)); };
    for (uint32_t i = 0; i < count; ++i) {
      const uint64_t q = (first_query + i) % pixels;
      const double x = double(q % width_) + 0.5 - 0.5 * width_;
      const double y = double(q / width_) + 0.5 - 0.5 * height_;
      out[2 * i] = clamp01(cu + x * su);
      out[2 * i + 1] = clamp01(cv + y * sv);
    }
  }

 private:
  uint32_t width_, height_;
  double zoom_ = 0.5, aspect_ = 1, center_[2] = {0.5, 0.5}, pan_[2] = {0, 0};
};

}  // namespace

nlohmann::json image_default_params(uint32_t width, uint32_t /*height*/, uint64_t seed) {
  nlohmann::json p;
  p["seed"] = seed;
  p["zoom"] = 0.5;                        // half the image width on screen
  p["image_aspect"] = 56718.0 / 21450.0;  // Tokyo gigapixel photo, 56718 x 21450 [ingp]
  p["center"] = {0.5, 0.5};
  p["pan_per_frame"] = {0.002, 0.0};
  p["sample_spacing"] = 0.5 / width;  // neighbouring pixels, in image widths
  // Pixels form a lattice across (image widths) and down (image heights) the screen, as
  // positions() maps them (the GPU cost model's reuse, docs/gpu-baseline.md).
  const double zoom = p["zoom"].get<double>(), aspect = p["image_aspect"].get<double>();
  p["sample_lattice"] = {zoom / width, zoom * aspect / width};
  return p;
}

std::unique_ptr<ngpc::PositionSource> make_image_scene(const Trace& t) {
  return std::make_unique<ImageScene>(t);
}

}  // namespace ngpc::trace::scene
