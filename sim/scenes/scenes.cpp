#include "sim/scenes/scenes.h"

#include "sim/error.h"
#include "sim/scenes/scene_impl.h"

namespace ngpc::trace {

namespace scene {

const EncodeRole& role_of(const std::vector<EncodeRole>& roles, uint32_t kernel, uint32_t frame) {
  if (kernel >= roles.size() || !roles[kernel].encode) {
    throw std::out_of_range("positions requested for kernel " + std::to_string(kernel) +
                            " of frame " + std::to_string(frame) +
                            ", which is not an encode kernel");
  }
  return roles[kernel];
}

void check_dims(const char* scene, uint32_t want, uint32_t dims) {
  if (dims != want) {
    throw InputError(std::string("scene \"") + scene + "\" makes " + std::to_string(want) +
                     "-D positions, but the encoding has " + std::to_string(dims) + " dims");
  }
}

}  // namespace scene

std::string scene_for_app(const std::string& app) {
  if (app == "nerf") return "nerf_object";
  if (app == "nsdf") return "sdf";
  if (app == "nvr") return "cloud";
  if (app == "gia") return "image";
  throw InputError("no procedural scene for app \"" + app + "\" (expected nerf, nsdf, nvr or gia)");
}

nlohmann::json default_scene_params(const std::string& scene, uint32_t width, uint32_t height,
                                    uint64_t seed) {
  if (scene == "nerf_object") return scene::nerf_default_params(width, height, seed);
  if (scene == "sdf") return scene::sdf_default_params(width, height, seed);
  if (scene == "cloud") return scene::cloud_default_params(width, height, seed);
  if (scene == "image") return scene::image_default_params(width, height, seed);
  throw InputError("unknown procedural scene \"" + scene +
                   "\" (expected nerf_object, sdf, cloud or image)");
}

SceneRays scene_rays(const std::string& scene, const nlohmann::json& params, uint32_t width,
                     uint32_t height, uint32_t frame) {
  if (scene == "nerf_object") return scene::nerf_rays(params, width, height, frame);
  if (scene == "sdf") return scene::sdf_rays(params, width, height, frame);
  if (scene == "cloud") return scene::cloud_rays(params, width, height, frame);
  if (scene == "image") {
    const uint64_t pixels = uint64_t{width} * height;
    return {pixels, pixels};
  }
  throw InputError("unknown procedural scene \"" + scene +
                   "\" (expected nerf_object, sdf, cloud or image)");
}

std::unique_ptr<ngpc::PositionSource> make_position_source(const Trace& t) {
  if (t.positions.type == "none") return nullptr;
  if (t.positions.type == "file") return scene::make_file_positions(t);
  if (t.positions.type != "procedural") {
    throw InputError("positions.type: unknown \"" + t.positions.type +
                     "\" (expected procedural, file or none)");
  }
  const std::string& s = t.positions.scene;
  if (s == "nerf_object") return scene::make_nerf_scene(t);
  if (s == "sdf") return scene::make_sdf_scene(t);
  if (s == "cloud") return scene::make_cloud_scene(t);
  if (s == "image") return scene::make_image_scene(t);
  throw InputError("positions.scene: unknown procedural scene \"" + s +
                   "\" (expected nerf_object, sdf, cloud or image)");
}

}  // namespace ngpc::trace
