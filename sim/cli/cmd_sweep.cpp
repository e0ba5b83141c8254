// PLACEHOLDER so the binary links before the real `sweep` subcommand lands; replace wholesale.
#include <boost/program_options.hpp>
#include <iostream>
#include <string>

#include "sim/cli/commands.h"

namespace ngpc::cli {

int cmd_sweep(const Args& args) {
  namespace po = boost::program_options;
  po::options_description options("options");
  options.add_options()("help,h", "print this help");
  po::variables_map vm;
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  po::store(po::command_line_parser(rest).options(options).run(), vm);
  if (vm.count("help")) {
    std::cout << "usage: ngpc-sim sweep [options]\n\n" << options;
    return 0;
  }
  std::cerr << "ngpc-sim sweep: not implemented yet\n";
  return 2;
}

}  // namespace ngpc::cli
