// ngpc-sim config show|schema: the effective machine configuration and its JSON Schema.
#include <boost/program_options.hpp>
#include <iostream>
#include <string>

#include "config_schema_text.h"
#include "sim/cli/commands.h"
#include "sim/cli/common_options.h"

namespace ngpc::cli {

namespace po = boost::program_options;

namespace {

const char* kConfigUsage =
    "usage: ngpc-sim config show [--config FILE] [--set PATH=VALUE ...]\n"
    "       ngpc-sim config schema\n"
    "\n"
    "  show    print the effective configuration as JSON: every parameter, defaults included,\n"
    "          after parent inheritance and --set overrides (loadable with --config)\n"
    "  schema  print the JSON Schema configurations are validated against\n"
    "\n"
    "Quantities are strings with units (\"1 GHz\", \"1 MiB\", \"936 GB/s\"); see\n"
    "docs/config-reference.md.\n";

}  // namespace

int cmd_config(const Args& args) {
  po::options_description visible("options");
  visible.add_options()("help,h", "print this help");
  add_config_options(visible);
  po::options_description all;
  all.add(visible);
  all.add_options()("action", po::value<std::string>(), "show | schema");
  po::positional_options_description positional;
  positional.add("action", 1);

  po::variables_map vm;
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  po::store(po::command_line_parser(rest).options(all).positional(positional).run(), vm);
  po::notify(vm);

  if (vm.count("help")) {
    std::cout << kConfigUsage << "\n" << visible;
    return 0;
  }
  const std::string action = vm.count("action") ? vm["action"].as<std::string>() : "";
  if (action == "schema") {
    if (vm.count("config") || vm.count("set")) {
      std::cerr << "ngpc-sim config: error: schema takes no --config or --set\n";
      return 2;
    }
    std::cout << config_schema_text;
    return 0;
  }
  if (action == "show") {
    std::cout << load_config_from(vm).effective.dump(2) << "\n";
    return 0;
  }
  std::cerr << (action.empty() ? std::string("ngpc-sim config: error: missing action\n")
                               : "ngpc-sim config: error: unknown action '" + action + "'\n")
            << kConfigUsage;
  return 2;
}

}  // namespace ngpc::cli
