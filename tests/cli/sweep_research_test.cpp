// Research sweeps end to end through the real binary: workload axes, results files, failures,
// determinism over --jobs, interruption and resumption, progress, bad specs, GNU Parallel and
// Slurm job lists merged back, and `run` on any workload.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "cli/cli_util.h"

namespace ngpc::test {
namespace {

namespace fs = std::filesystem;

const std::string kTinyNerf = std::string(NGPC_SOURCE_DIR) + "/traces/tiny-nerf.json";

size_t count_lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

// One CSV line into fields (quotes as csv_field writes them; no newlines inside fields).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> f{""};
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        f.back() += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        f.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      f.emplace_back();
    } else {
      f.back() += c;
    }
  }
  return f;
}

std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(read_text_file(p));
  for (std::string line; std::getline(in, line);) rows.push_back(csv_fields(line));
  return rows;
}

std::vector<nlohmann::json> read_jsonl(const fs::path& p) {
  std::vector<nlohmann::json> rows;
  std::istringstream in(read_text_file(p));
  for (std::string line; std::getline(in, line);) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

// The stat keys flagged wall_clock in a results.jsonl.
std::set<std::string> wall_clock_keys(const std::vector<nlohmann::json>& rows) {
  std::set<std::string> k;
  for (const auto& r : rows)
    for (auto it = r["stats"].begin(); it != r["stats"].end(); ++it)
      if (it->value("wall_clock", false)) k.insert(it.key());
  return k;
}

// results.csv without its wall-clock columns.
std::vector<std::vector<std::string>> csv_without_wall_clock(const fs::path& dir) {
  const std::set<std::string> wall = wall_clock_keys(read_jsonl(dir / "results.jsonl"));
  EXPECT_FALSE(wall.empty());
  std::vector<std::vector<std::string>> rows = read_csv(dir / "results.csv"), out;
  if (rows.empty()) return out;
  std::vector<bool> keep;
  for (const std::string& h : rows[0]) keep.push_back(!wall.count(h.substr(0, h.find(" ["))));
  for (const auto& r : rows) {
    std::vector<std::string> k;
    for (size_t c = 0; c < r.size(); ++c)
      if (c < keep.size() && keep[c]) k.push_back(r[c]);
    out.push_back(k);
  }
  return out;
}

std::vector<nlohmann::json> jsonl_without_wall_clock(const fs::path& dir) {
  std::vector<nlohmann::json> rows = read_jsonl(dir / "results.jsonl");
  for (auto& r : rows)
    for (auto it = r["stats"].begin(); it != r["stats"].end();)
      it = it->value("wall_clock", false) ? r["stats"].erase(it) : std::next(it);
  return rows;
}

std::string sweep(const std::string& spec, const fs::path& out, const std::string& more = "") {
  return "sweep " + shell_quote(spec) + " --out " + shell_quote(out.string()) + " " + more;
}

// A process running `NGPC_BINARY args` (stdout, stderr to files), to be signalled.
struct Background {
  pid_t pid = -1;
  explicit Background(const std::string& args, const fs::path& log) {
    const std::string cmd = "exec " + shell_quote(NGPC_BINARY) + " " + args + " >" +
                            shell_quote((log.string() + ".out")) + " 2>" +
                            shell_quote((log.string() + ".err")) + " </dev/null";
    pid = fork();
    if (pid == 0) {
      execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  int wait() {
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
};

size_t finished_points(const fs::path& out) {
  size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(out / "points", ec)) {
    if (!fs::exists(e.path() / "point.json")) continue;
    n += read_text_file(e.path() / "point.json").find("\"ok\"") != std::string::npos;
  }
  return n;
}

// Processes whose command line mentions `needle` (the sweep's unique output directory).
size_t processes_mentioning(const std::string& needle) {
  size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    std::string cmd = read_text_file(e.path() / "cmdline");
    for (char& c : cmd) c = c ? c : ' ';
    if (cmd.find(needle) != std::string::npos && cmd.find("ngpc-sim") != std::string::npos) ++n;
  }
  return n;
}

// A sweep slow enough to interrupt: 10 NeRF points at 192x192.
std::string slow_spec(const TempDir& dir) {
  return dir.write("slow.json", R"({"grid": {"app": "nerf", "resolution": "192x192",
    "cluster.scaling_factor": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}, "stats": ["speedup"]})");
}

class SweepResearch : public ::testing::Test {
 protected:
  TempDir dir;
  TempDir cache;
  ScopedEnv env{"NGPC_TRACE_CACHE", cache.path().c_str()};
};

TEST_F(SweepResearch, WorkloadAxesWriteResultsWithUnitsAndPointFolders) {
  const std::string spec = dir.write("s.json", R"({
    "grid": {"app": "gia", "resolution": ["64x64", "128x72"], "cluster.scaling_factor": [1, 2]},
    "also": [{"app": "nerf", "resolution": "64x64"}]})");
  const fs::path out = dir / "out";
  const CmdResult r = run_cli(sweep(spec, out));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto csv = read_csv(out / "results.csv");
  ASSERT_EQ(csv.size(), 1u + 4 + 2);  // header, gia 2 x 2, nerf 1 x 2
  const std::vector<std::string>& h = csv[0];
  EXPECT_EQ(std::vector<std::string>(h.begin(), h.begin() + 6),
            (std::vector<std::string>{"point", "status", "error", "app", "resolution",
                                      "cluster.scaling_factor"}));
  // Every stat, each with its unit in brackets.
  for (const char* c : {"fps [1/s]", "speedup [x]", "ngpc_power_w [W]", "frame_time_ms [ms]",
                        "amdahl_speedup_bound [x]", "area_overhead_pct [%]", "bound [-]",
                        "nfps [1]", "resolution [-]", "sim_wall_s [s]"})
    EXPECT_NE(std::find(h.begin(), h.end(), c), h.end()) << c;
  for (size_t i = 6; i < h.size(); ++i) EXPECT_NE(h[i].find(" ["), std::string::npos) << h[i];
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < h.size(); ++i) col[h[i]] = i;
  for (size_t i = 1; i < csv.size(); ++i) {
    const auto& row = csv[i];
    ASSERT_EQ(row.size(), h.size());
    EXPECT_EQ(row[0], std::to_string(i - 1));
    EXPECT_EQ(row[1], "ok");
    // The generated trace has the axis' resolution and app; NFPs follow the axis.
    EXPECT_EQ(row[col["resolution [-]"]], row[col["resolution"]]);
    EXPECT_EQ(row[col["app [-]"]], row[col["app"]]);
    EXPECT_EQ(std::stod(row[col["nfps [1]"]]), std::stod(row[col["cluster.scaling_factor"]]));
    // No result beats Amdahl's bound.
    EXPECT_LE(std::stod(row[col["speedup [x]"]]), std::stod(row[col["amdahl_speedup_bound [x]"]]));
    const fs::path pd = out / "points" / ("000" + std::to_string(i - 1));
    for (const char* f : {"config.json", "stats.json", "summary.txt", "point.json", "log.txt"})
      EXPECT_TRUE(fs::exists(pd / f)) << pd / f;
  }
  const auto jl = read_jsonl(out / "results.jsonl");
  ASSERT_EQ(jl.size(), 6u);
  EXPECT_EQ(jl[5]["axes"]["app"], "nerf");
  EXPECT_EQ(jl[5]["axes"]["cluster.scaling_factor"], 2);
  EXPECT_EQ(jl[5]["stats"]["fps"]["unit"], "1/s");
  EXPECT_TRUE(jl[5]["stats"]["sim_wall_s"]["wall_clock"].get<bool>());
  EXPECT_EQ(jl.size(), count_lines(read_text_file(out / "sweep.csv")) - 1);
  // The traces were generated into the cache (no bundled 64x64 or 128x72 traces).
  size_t cached = 0;
  for (const auto& e : fs::directory_iterator(cache.path()))
    cached += e.path().extension() == ".json";
  EXPECT_EQ(cached, 3u);
}

TEST_F(SweepResearch, AFailingPointIsRecordedAndTheOthersRun) {
  const std::string spec = dir.write("f.json", R"({"grid": {"app": "nerf", "resolution": "64x64",
    "queries_per_pixel": [8, 1000], "cluster.scaling_factor": [1, 2]}})");
  const fs::path out = dir / "out";
  const CmdResult r = run_cli(sweep(spec, out, "-j 2"));
  EXPECT_EQ(r.status, 3) << r.err;  // some points failed
  const auto csv = read_csv(out / "results.csv");
  ASSERT_EQ(csv.size(), 5u);
  for (size_t i = 1; i <= 2; ++i) EXPECT_EQ(csv[i][1], "ok");
  for (size_t i = 3; i <= 4; ++i) {
    EXPECT_EQ(csv[i][1], "failed");
    EXPECT_NE(csv[i][2].find("above what the ray loop can launch"), std::string::npos) << csv[i][2];
  }
  const auto rec = nlohmann::json::parse(read_text_file(out / "points/0003/point.json"));
  EXPECT_EQ(rec["status"], "failed");
  EXPECT_EQ(rec["exit_status"], 2);
  EXPECT_NE(r.out.find("point 3 (app=nerf"), std::string::npos) << r.out;
  // A rerun keeps the finished points and tries the failed ones again.
  const CmdResult again = run_cli(sweep(spec, out));
  EXPECT_EQ(again.status, 3);
  EXPECT_NE(again.err.find("0 run, 2 resumed, 2 failed"), std::string::npos) << again.err;
}

TEST_F(SweepResearch, ResultsAreTheSameForAnyJobs) {
  const std::string spec = dir.write("s.json", R"({"traces": [")" + kTinyNerf + R"("],
    "grid": {"cluster.scaling_factor": [1, 2, 3], "gpu.overlap": [true, false]},
    "stats": ["fps", "speedup", "bound"]})");
  ASSERT_EQ(run_cli(sweep(spec, dir / "j1", "-j 1")).status, 0);
  ASSERT_EQ(run_cli(sweep(spec, dir / "j3", "-j 3")).status, 0);
  EXPECT_EQ(csv_without_wall_clock(dir / "j1"), csv_without_wall_clock(dir / "j3"));
  EXPECT_EQ(jsonl_without_wall_clock(dir / "j1"), jsonl_without_wall_clock(dir / "j3"));
  EXPECT_EQ(read_text_file(dir / "j1/sweep.csv"), read_text_file(dir / "j3/sweep.csv"));
  EXPECT_EQ(read_csv(dir / "j1/results.csv").size(), 7u);
}

TEST_F(SweepResearch, BadSpecsExit2NamingTheFileAndPathAndWriteNothing) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      // unknown axis path
      {R"({"grid": {"app": "gia", "cluster.scaling_fator": [1, 2]}})",
       "/grid/cluster.scaling_fator: unknown axis"},
      // empty axis
      {R"({"grid": {"app": "gia", "cluster.scaling_factor": []}})",
       "/grid/cluster.scaling_factor: expected a non-empty array"},
      // bad value on one axis point (configuration, then workload)
      {R"({"grid": {"app": "gia", "cluster.scaling_factor": [8, 0]}})",
       "/grid/cluster.scaling_factor/1: "},
      {R"({"grid": {"app": ["gia", "nerf"], "resolution": ["4k", "12xx"]}})",
       "/grid/resolution/1: "},
      {R"({"grid": {"app": "gia"}, "also": [{"app": ["nerf", "doom"]}]})", "/also/0/app/1: "},
      // unknown stat column
      {R"({"grid": {"app": "gia"}, "stats": ["fps", "speedupp"]})",
       "/stats/1: unknown stat 'speedupp' (did you mean 'speedup'?)"},
      // more points than the limit
      {R"({"grid": {"app": "gia", "detail.seed": [)" +
           [] {
             std::string v;
             for (int i = 0; i < 10001; ++i) v += (i ? "," : "") + std::to_string(i);
             return v;
           }() +
           "]}}",
       "/grid: the sweep has 10001 points"},
  };
  for (const auto& [text, want] : cases) {
    const std::string spec = dir.write("bad.json", text);
    const fs::path out = dir / "out";
    const CmdResult r = run_cli(sweep(spec, out));
    EXPECT_EQ(r.status, 2) << text.substr(0, 80) << "\n" << r.err;
    EXPECT_NE(r.err.find(spec + ": "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(want), std::string::npos) << "want: " << want << "\ngot: " << r.err;
    EXPECT_FALSE(fs::exists(out)) << text.substr(0, 80);
  }
}

TEST_F(SweepResearch, MaxPointsAllowsALargerSweep) {
  const std::string spec = dir.write("six.json", R"({"grid": {"app": "gia", "resolution": "64x64",
    "detail.seed": [1, 2, 3, 4, 5, 6]}})");
  const CmdResult refused = run_cli("sweep " + shell_quote(spec) + " --dry-run --max-points 5");
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("/grid: the sweep has 6 points"), std::string::npos) << refused.err;
  const CmdResult r = run_cli("sweep " + shell_quote(spec) + " --dry-run --max-points 6");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\n6 points\n"), std::string::npos);
}

TEST_F(SweepResearch, ProgressIsABarOnATerminalLinesOtherwiseAndQuietSilences) {
  const std::string spec = dir.write("s.json", R"({"traces": [")" + kTinyNerf + R"("],
    "grid": {"cluster.scaling_factor": [1, 2, 3]}})");
  const CmdResult lines = run_cli(sweep(spec, dir / "a"));
  ASSERT_EQ(lines.status, 0) << lines.err;
  EXPECT_EQ(count_lines(lines.err), 4u) << lines.err;  // one per point, then the summary
  EXPECT_NE(lines.err.find("done; 3/3 points, 0 failed, elapsed "), std::string::npos) << lines.err;
  EXPECT_EQ(lines.err.find('\r'), std::string::npos);
  const CmdResult quiet = run_cli(sweep(spec, dir / "b", "--quiet"));
  ASSERT_EQ(quiet.status, 0);
  EXPECT_EQ(quiet.err, "");
  // On a terminal (script(1) gives the sweep one): a redrawn bar with done/total, failures,
  // elapsed time and ETA.
  const std::string cmd = shell_quote(NGPC_BINARY) + " " + sweep(spec, dir / "c") + " >/dev/null";
  const CmdResult tty = run_shell("script -qec " + shell_quote(cmd) + " /dev/null");
  ASSERT_EQ(tty.status, 0) << tty.err;
  EXPECT_NE(tty.out.find("\r\033[K["), std::string::npos) << tty.out;
  EXPECT_NE(tty.out.find("] 3/3 points, 0 failed, elapsed "), std::string::npos) << tty.out;
  EXPECT_NE(tty.out.find(", ETA "), std::string::npos) << tty.out;
}

TEST_F(SweepResearch, SigintAndSigtermKeepFinishedPointsAndARerunFinishesTheRestSlow) {
  const std::string spec = slow_spec(dir);
  const fs::path out = dir / "out";
  size_t kept = 0;
  for (const int sig : {SIGINT, SIGTERM}) {
    Background b(sweep(spec, out, "-j 2"), dir / "bg");
    while (finished_points(out) < kept + 1)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (sig == SIGTERM) {  // a second sweep into the same directory meanwhile is refused
      const CmdResult busy = run_cli(sweep(spec, out));
      EXPECT_EQ(busy.status, 2);
      EXPECT_NE(busy.err.find("another sweep is running"), std::string::npos) << busy.err;
    }
    kill(b.pid, sig);
    EXPECT_EQ(b.wait(), 128 + sig) << read_text_file(dir / "bg.err");
    const std::string err = read_text_file(dir / "bg.err");
    EXPECT_NE(err.find("stopped by signal " + std::to_string(sig)), std::string::npos) << err;
    kept = finished_points(out);
    ASSERT_LT(kept, 10u) << "the sweep ended before it could be interrupted";
    // results.csv holds exactly the finished points.
    EXPECT_EQ(read_csv(out / "results.csv").size(), 1 + kept);
  }
  const CmdResult rest = run_cli(sweep(spec, out, "-j 2"));
  ASSERT_EQ(rest.status, 0) << rest.err;
  EXPECT_NE(rest.err.find(std::to_string(10 - kept) + " run, " + std::to_string(kept) +
                          " resumed, 0 failed"),
            std::string::npos)
      << rest.err;
  // The same results as an uninterrupted sweep.
  ASSERT_EQ(run_cli(sweep(spec, dir / "whole", "-j 2")).status, 0);
  EXPECT_EQ(csv_without_wall_clock(out), csv_without_wall_clock(dir / "whole"));
}

TEST_F(SweepResearch, SigkillLosesNoFinishedPointAndLeavesNoOrphansSlow) {
  const std::string spec = slow_spec(dir);
  const fs::path out = dir / "killed";
  Background b(sweep(spec, out, "-j 2"), dir / "bg");
  while (finished_points(out) < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill(b.pid, SIGKILL);
  EXPECT_EQ(b.wait(), 128 + SIGKILL);
  const size_t kept = finished_points(out);
  ASSERT_LT(kept, 10u) << "the sweep ended before it could be killed";
  // The running points die with the sweep (no process keeps writing into the directory).
  for (int i = 0; i < 200 && processes_mentioning(out.string()) > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(processes_mentioning(out.string()), 0u);
  EXPECT_EQ(finished_points(out), kept);
  // Rows written so far are whole rows of finished points.
  const auto rows = read_csv(out / "results.csv");
  EXPECT_LE(rows.size(), 1 + kept);
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].size(), rows[0].size());
    EXPECT_EQ(rows[i][1], "ok");
  }
  const CmdResult rest = run_cli(sweep(spec, out, "-j 2"));
  ASSERT_EQ(rest.status, 0) << rest.err;
  EXPECT_NE(rest.err.find(std::to_string(kept) + " resumed"), std::string::npos) << rest.err;
  EXPECT_EQ(read_csv(out / "results.csv").size(), 11u);
}

TEST_F(SweepResearch, ChangedInputsRunFinishedPointsAgain) {
  const std::string spec = dir.write("s.json", R"({"traces": [")" + kTinyNerf + R"("],
    "grid": {"cluster.scaling_factor": [1, 2]}})");
  const fs::path out = dir / "out";
  ASSERT_EQ(run_cli(sweep(spec, out)).status, 0);
  EXPECT_NE(run_cli(sweep(spec, out)).err.find("0 run, 2 resumed"), std::string::npos);
  // Another frame range is another run: the old results are not mixed in.
  const CmdResult f = run_cli(sweep(spec, out, "--frames 0"));
  ASSERT_EQ(f.status, 0) << f.err;
  EXPECT_NE(f.err.find("2 finished point(s) in the directory were run with other inputs"),
            std::string::npos)
      << f.err;
  EXPECT_NE(f.err.find("2 run, 0 resumed"), std::string::npos) << f.err;
}

// The emitted job list run by the real GNU Parallel, then merged: the same tables as an
// in-process sweep (wall-clock fields aside).
TEST_F(SweepResearch, EmittedJobsRunByGnuParallelMergeToTheInProcessResults) {
  ASSERT_EQ(run_shell("command -v parallel").status, 0)
      << "GNU Parallel is missing: run scripts/setup.sh (Debian package parallel)";
  const std::string spec = dir.write("s.json", R"({
    "grid": {"app": ["gia", "nerf"], "resolution": "64x64", "cluster.scaling_factor": [1, 2]},
    "also": [{"app": "nerf", "queries_per_pixel": 1000}],
    "stats": ["fps", "speedup", "bound"]})");
  const CmdResult in = run_cli(sweep(spec, dir / "in", "-j 2"));
  EXPECT_EQ(in.status, 3) << in.err;  // the also-block's points cannot be generated
  const fs::path jobs = dir / "jobs.txt";
  const CmdResult emit = run_cli(sweep(spec, dir / "ext", "--emit-jobs " + shell_quote(jobs)));
  ASSERT_EQ(emit.status, 0) << emit.err;
  EXPECT_EQ(count_lines(read_text_file(jobs)), 6u);
  EXPECT_FALSE(fs::exists(dir / "ext/results.csv"));  // nothing ran
  const CmdResult par = run_shell("parallel -j 2 < " + shell_quote(jobs.string()));
  EXPECT_NE(par.status, 0);  // two commands fail, as the points do
  const CmdResult merge = run_cli("sweep merge " + shell_quote((dir / "ext").string()));
  EXPECT_EQ(merge.status, 3) << merge.err;
  EXPECT_NE(merge.err.find("4 finished, 2 failed, 0 missing"), std::string::npos) << merge.err;
  EXPECT_EQ(csv_without_wall_clock(dir / "in"), csv_without_wall_clock(dir / "ext"));
  EXPECT_EQ(jsonl_without_wall_clock(dir / "in"), jsonl_without_wall_clock(dir / "ext"));
  EXPECT_EQ(read_text_file(dir / "in/sweep.csv"), read_text_file(dir / "ext/sweep.csv"));
  // Running the list again does nothing new: finished points are kept.
  EXPECT_EQ(
      run_shell("parallel -j 2 < " + shell_quote(jobs.string()) + " 2>&1 | grep -c 'done:'").out,
      "4\n");
}

TEST_F(SweepResearch, SlurmArrayScriptRunsTheSameCommands) {
  const std::string spec = dir.write("s.json", R"({"traces": [")" + kTinyNerf + R"("],
    "grid": {"cluster.scaling_factor": [1, 2, 3]}})");
  const fs::path slurm = dir / "slurm";
  const CmdResult emit = run_cli(sweep(spec, dir / "ext", "--emit-slurm " + shell_quote(slurm)));
  ASSERT_EQ(emit.status, 0) << emit.err;
  const std::string script = read_text_file(slurm / "sweep.sbatch");
  EXPECT_NE(script.find("#SBATCH --array=1-3\n"), std::string::npos) << script;
  EXPECT_EQ(run_shell("bash -n " + shell_quote((slurm / "sweep.sbatch").string())).status, 0);
  EXPECT_TRUE(fs::is_directory(slurm / "logs"));
  // What each array task does, run here: task k runs line k of jobs.txt.
  for (int k = 1; k <= 3; ++k) {
    const CmdResult t = run_shell("SLURM_ARRAY_TASK_ID=" + std::to_string(k) + " bash " +
                                  shell_quote((slurm / "sweep.sbatch").string()));
    EXPECT_EQ(t.status, 0) << t.err;
  }
  EXPECT_EQ(
      run_shell("SLURM_ARRAY_TASK_ID=4 bash " + shell_quote((slurm / "sweep.sbatch").string()))
          .status,
      2);
  ASSERT_EQ(run_cli("sweep merge " + shell_quote((dir / "ext").string())).status, 0);
  ASSERT_EQ(run_cli(sweep(spec, dir / "in")).status, 0);
  EXPECT_EQ(csv_without_wall_clock(dir / "in"), csv_without_wall_clock(dir / "ext"));
}

TEST_F(SweepResearch, MergeReportsMissingPoints) {
  const std::string spec = dir.write("s.json", R"({"traces": [")" + kTinyNerf + R"("],
    "grid": {"cluster.scaling_factor": [1, 2, 3]}})");
  const fs::path jobs = dir / "jobs.txt";
  ASSERT_EQ(run_cli(sweep(spec, dir / "ext", "--emit-jobs " + shell_quote(jobs))).status, 0);
  ASSERT_EQ(run_shell("head -n 1 " + shell_quote(jobs.string()) + " | sh").status, 0);
  const CmdResult m = run_cli("sweep merge " + shell_quote((dir / "ext").string()));
  EXPECT_EQ(m.status, 3);
  EXPECT_NE(m.err.find("1 finished, 0 failed, 2 missing (points 1 2)"), std::string::npos) << m.err;
  EXPECT_EQ(read_csv(dir / "ext/results.csv").size(), 2u);
  const CmdResult none = run_cli("sweep merge " + shell_quote(dir.path().string()));
  EXPECT_EQ(none.status, 2);
  EXPECT_NE(none.err.find("no sweep.json"), std::string::npos) << none.err;
}

TEST_F(SweepResearch, HeadlineSpecListsItsPoints) {
  const CmdResult r = run_cli(
      "sweep " + shell_quote(std::string(NGPC_SOURCE_DIR) + "/configs/sweeps/headline.json") +
      " --dry-run");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\n64 points\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("47  app=nerf  encoding=lowres-densegrid  resolution=8k  "
                       "cluster.scaling_factor=64\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("63  app=gia  encoding=hashgrid  resolution=4k  cluster.scaling_factor=64  "
                       "config=../ngpc-paper.json\n"),
            std::string::npos)
      << r.out;
}

TEST_F(SweepResearch, RunGeneratesAndCachesATraceForAnyWorkload) {
  const CmdResult r = run_cli("run --app gia --resolution 320x180 --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["resolution"]["value"], "320x180");
  EXPECT_EQ(j["queries_per_frame"]["value"].get<double>(), 320.0 * 180);  // GIA: 1 per pixel
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(cache.path()))
    if (e.path().extension() == ".json") files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u);
  const std::string gen = (dir / "gen.json").string();
  ASSERT_EQ(run_cli("trace gen --app gia --resolution 320x180 -o " + shell_quote(gen)).status, 0);
  EXPECT_EQ(read_text_file(files[0]), read_text_file(gen));
  // Other generator inputs are other traces.
  const CmdResult s = run_cli(
      "run --app nerf --resolution 64x64 --trace-seed 5 "
      "--queries-per-pixel 6 --json");
  ASSERT_EQ(s.status, 0) << s.err;
  EXPECT_NEAR(nlohmann::json::parse(s.out)["queries_per_frame"]["value"].get<double>(), 64 * 64 * 6,
              256);
  const CmdResult bad = run_cli("run --app nerf --resolution 64x64 --queries-per-pixel 1000");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("queries-per-pixel"), std::string::npos) << bad.err;
  EXPECT_EQ(run_cli("run --trace " + shell_quote(kTinyNerf) + " --app nerf").status, 2);
}

}  // namespace
}  // namespace ngpc::test
