// Fuzz target: the path from a configuration file's text to ngpc::Config (sim/config/): the safe
// JSON reader, schema validation, "parent" inheritance (the file sits next to copies of the
// shipped configurations), --set overrides, defaults and the conversion into base units.
//
// Input: the configuration text, optionally followed by a NUL byte and --set assignments, one per
// line. Invariants: what load_config accepts, its effective configuration (documented as
// "loadable as a config file") is accepted again, as JSON text and by config_from_json; the
// document alone (no defaults) through config_from_json fails only with InputError.
#include "fuzz_common.h"
#include "sim/config/config_loader.h"
#include "sim/error.h"
#include "sim/json/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string all(reinterpret_cast<const char*>(data), size);
  const size_t nul = all.find('\0');
  const std::string text = all.substr(0, nul);
  std::vector<std::string> sets;
  if (nul != std::string::npos) {
    size_t from = nul + 1;
    while (from <= all.size() && sets.size() < 16) {
      const size_t eol = std::min(all.find('\n', from), all.size());
      sets.push_back(all.substr(from, eol - from));
      from = eol + 1;
    }
  }
  const std::string path = ngpc::fuzz::write_input(
      "configs/fuzz-input.json", reinterpret_cast<const uint8_t*>(text.data()), text.size());

  const ngpc::json_input::JsonKind kind{"config", ngpc::json_input::kMaxSmallFileBytes,
                                        ngpc::json_input::PathStyle::kDotted, ""};
  try {
    const nlohmann::json doc = ngpc::json_input::parse_json(text, path, kind);
    ngpc::config_from_json(doc, path);
  } catch (const ngpc::InputError& e) {
    ngpc::fuzz::rejected(e);
  }

  ngpc::LoadedConfig loaded;
  try {
    loaded = ngpc::load_config(path, sets);
  } catch (const ngpc::InputError& e) {
    ngpc::fuzz::rejected(e);
    return 0;
  }
  const std::string effective = loaded.effective.dump(2);
  try {
    const nlohmann::json again = ngpc::json_input::parse_json(effective, "effective", kind);
    ngpc::config_from_json(again, "effective");
  } catch (const ngpc::InputError& e) {
    ngpc::fuzz::fail("the effective configuration is accepted again",
                     std::string(e.what()) + "\n" + effective);
  }
  return 0;
}
