// The tool's front door: help, version, unknown subcommands, and config show/schema.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_util.h"
#include "sim/config/config_loader.h"

namespace ngpc {
namespace {

using nlohmann::json;

bool mentions_usage(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text.find("usage") != std::string::npos;
}

TEST(Help, ToolHelp) {
  for (const char* flag : {"--help", "-h", "help"}) {
    const test::CmdResult r = test::run_cli(flag);
    EXPECT_EQ(r.status, 0) << flag;
    EXPECT_TRUE(mentions_usage(r.out)) << r.out;
    for (const char* sub : {"run", "sweep", "trace", "config"}) {
      EXPECT_NE(r.out.find(sub), std::string::npos) << sub;
    }
  }
}

TEST(Help, EverySubcommandHasHelp) {
  for (const std::string sub : {"run", "sweep", "trace", "config"}) {
    const test::CmdResult r = test::run_cli(sub + " --help");
    EXPECT_EQ(r.status, 0) << sub << ": " << r.err;
    EXPECT_TRUE(mentions_usage(r.out)) << sub << ": " << r.out;
  }
}

TEST(Help, Version) {
  const test::CmdResult r = test::run_cli("--version");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("ngpc-sim " NGPC_VERSION), std::string::npos) << r.out;
}

TEST(Help, UnknownSubcommandOrNoneIsUsageError) {
  const test::CmdResult r = test::run_cli("frobnicate");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("frobnicate"), std::string::npos) << r.err;
  EXPECT_EQ(test::run_cli("").status, 2);
}

TEST(ConfigCommand, UsageErrors) {
  EXPECT_EQ(test::run_cli("config").status, 2);
  EXPECT_EQ(test::run_cli("config frobnicate").status, 2);
  EXPECT_EQ(test::run_cli("config show --no-such-option").status, 2);
  EXPECT_EQ(test::run_cli("config show --config").status, 2);
  EXPECT_EQ(test::run_cli("config schema --set name=x").status, 2);
}

TEST(ConfigCommand, SchemaPrintsTheReferenceSchema) {
  const test::CmdResult r = test::run_cli("config schema");
  ASSERT_EQ(r.status, 0) << r.err;
  const json printed = json::parse(r.out);
  const json reference =
      json::parse(test::read_text_file(std::string(NGPC_SOURCE_DIR) + "/docs/config-schema.json"));
  EXPECT_TRUE(printed == reference) << "config schema differs from docs/config-schema.json";
}

TEST(ConfigCommand, ShowPrintsTheEffectiveConfig) {
  const test::CmdResult r = test::run_cli("config show");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), load_config("", {}).effective);

  const test::CmdResult r16 =
      test::run_cli("config show --config " NGPC_SOURCE_DIR
                    "/configs/ngpc-16.json"
                    " --set nfp.encoding.grid_sram.capacity='2 MiB' --set gpu.overlap=false");
  ASSERT_EQ(r16.status, 0) << r16.err;
  const json shown = json::parse(r16.out);
  EXPECT_EQ(shown["cluster"]["scaling_factor"], 16);
  EXPECT_EQ(shown["nfp"]["encoding"]["grid_sram"]["capacity"], "2 MiB");
  EXPECT_EQ(shown["gpu"]["overlap"], false);
  EXPECT_EQ(shown["name"], "ngpc-16");
  EXPECT_FALSE(shown.contains("parent"));
}

}  // namespace
}  // namespace ngpc
