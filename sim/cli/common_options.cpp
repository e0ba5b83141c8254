#include "sim/cli/common_options.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "sim/error.h"

namespace ngpc::cli {

namespace po = boost::program_options;

void add_config_options(po::options_description& options) {
  // clang-format off
  options.add_options()
      ("config", po::value<std::string>()->value_name("FILE"),
       "machine configuration (JSON, see docs/config-reference.md); default configs/ngpc.json")
      ("set", po::value<std::vector<std::string>>()->value_name("PATH=VALUE")->composing(),
       "override one parameter, e.g. --set cluster.scaling_factor=16 "
       "--set nfp.encoding.grid_sram.capacity=\"2 MiB\" (repeatable)");
  // clang-format on
}

LoadedConfig load_config_from(const po::variables_map& vm) {
  const std::string path = vm.count("config") ? vm["config"].as<std::string>() : "";
  const std::vector<std::string> sets =
      vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  return load_config(path, sets);
}

uint64_t parse_whole_number(const std::string& option, const std::string& text, uint64_t lo,
                            uint64_t hi) {
  if (text.empty() || text.size() > 20 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    throw InputError(option + ": expected a whole number, got \"" + text + "\"");
  }
  uint64_t v = 0;
  try {
    v = std::stoull(text);
  } catch (const std::exception&) {
    throw InputError(option + ": number out of range: \"" + text + "\"");
  }
  if (v < lo || v > hi) {
    throw InputError(option + ": expected " + std::to_string(lo) + ".." + std::to_string(hi) +
                     ", got " + text);
  }
  return v;
}

}  // namespace ngpc::cli
