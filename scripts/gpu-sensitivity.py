#!/usr/bin/env python3
"""Sensitivity of the GPU baseline calibration to its main inputs (docs/gpu-baseline.md).

Changes one input at a time in both built-in profiles (configs/gpu/rtx3090*.json), recalibrates
with `ngpc-sim gpu calibrate --recalibrated --json` and prints a Markdown table of the calibrated
values and the facts they move.

usage: scripts/gpu-sensitivity.py [path/to/ngpc-sim]      (default build/ngpc-sim)
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIM = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "ngpc-sim")
PAPER = json.load(open(os.path.join(ROOT, "configs", "gpu", "rtx3090.json")))
BENCH = json.load(open(os.path.join(ROOT, "configs", "gpu", "rtx3090-unprofiled.json")))


def param(key, value, which="both"):
    def edit(paper, bench):
        for name, prof in (("paper", paper), ("bench", bench)):
            if which in ("both", name):
                prof["parameters"][key]["value"] = value
    return edit


def rest_bytes(scale):
    def edit(paper, bench):
        for prof in (paper, bench):
            for k in prof["rest_kernels"].values():
                k["bytes_per_element"] *= scale
                k["bytes_per_sample"] *= scale
    return edit


CASES = [
    ("as calibrated", None, []),
    ("rest_dram_efficiency 0.7", param("rest_dram_efficiency", 0.7), []),
    ("rest_dram_efficiency 0.9", param("rest_dram_efficiency", 0.9), []),
    ("rest-kernel bytes x 0.8", rest_bytes(0.8), []),
    ("rest-kernel bytes x 1.2", rest_bytes(1.2), []),
    ("stream_dram_efficiency 0.7", param("stream_dram_efficiency", 0.7), []),
    ("stream_dram_efficiency 0.9", param("stream_dram_efficiency", 0.9), []),
    ("benchmark clock 1.9 GHz", param("sm_clock", "1.9 GHz", "bench"), []),
    ("paper clock 1.695 GHz (not locked)", param("sm_clock", "1.695 GHz", "paper"), []),
    ("paper L2 not flushed", param("l2_flush_per_kernel", False, "paper"), []),
    ("l2_grid_share 0.5", param("l2_grid_share", 0.5), []),
    ("l2_grid_share 1.0", param("l2_grid_share", 1.0), []),
    ("issue_efficiency 0.35", param("issue_efficiency", 0.35), []),
    ("issue_efficiency 0.7", param("issue_efficiency", 0.7), []),
    ("encode_ops_per_modulo 20", param("encode_ops_per_modulo", 20), []),
    ("curve: other kernels stream 316 B/query", None, ["--bench-other-bytes", "316"]),
    ("NeRF qpp from the MLP share", None, ["--nerf-qpp-from", "mlp"]),
    ("both of the last two", None, ["--bench-other-bytes", "316", "--nerf-qpp-from", "mlp"]),
]


def run(edit, extra):
    paper, bench = copy.deepcopy(PAPER), copy.deepcopy(BENCH)
    if edit:
        edit(paper, bench)
    with tempfile.TemporaryDirectory() as d:
        pp, bp = os.path.join(d, "paper.json"), os.path.join(d, "bench.json")
        json.dump(paper, open(pp, "w"))
        json.dump(bench, open(bp, "w"))
        out = subprocess.run([SIM, "gpu", "calibrate", "--json", "--recalibrated",
                              "--gpu-profile", pp, "--bench-profile", bp] + extra,
                             check=True, capture_output=True, text=True).stdout
    j = json.loads(out)
    facts = {f["id"]: f for f in j["facts"]}
    return j["calibrated"], facts


def main():
    cols = ["Input changed", "η_mlp", "launch µs", "NeRF qpp", "η_enc", "η_rest", "enc / MLP share",
            "densegrid", "lowres", "min gap", "GIA 1080p", "NRC"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for name, edit, extra in CASES:
        c, f = run(edit, extra)
        bad = "" if c["feasible"] else " (infeasible)"
        enc = c["encode_dram_efficiency"]
        if not c["feasible"]:  # the recalibrated profile is not physical: no facts to show
            row = [name, "%.3f" % c["mlp_tensor_efficiency"],
                   "%.2f" % (c["kernel_launch_overhead_s"] * 1e6), "%.1f" % c["nerf_queries_per_pixel"],
                   ("%.3f" % enc if enc <= 1 else "> 1") +
                   ("" if c["encode_memory_bound"] else " (issue-bound)"),
                   "%.3f" % c["rest_dram_efficiency"]] + ["infeasible"] + ["–"] * 5
            print("| " + " | ".join(row) + " |")
            continue
        row = [name, "%.3f" % c["mlp_tensor_efficiency"], "%.2f" % (c["kernel_launch_overhead_s"] * 1e6),
               "%.1f" % c["nerf_queries_per_pixel"],
               ("%.3f" % enc if enc <= 1 else "> 1") + ("" if c["encode_memory_bound"] else " (issue-bound)"),
               "%.3f" % c["rest_dram_efficiency"] + bad,
               "%.1f / %.1f %%" % (f["nerf_encode_share"]["model"], f["nerf_mlp_share"]["model"]),
               "%.1f %%" % f["share_densegrid"]["model"], "%.1f %%" % f["share_lowres_densegrid"]["model"],
               "%.2f×" % f["gap_4k_min"]["model"], "%.2f ms" % f["gia_1080p_frame_ms"]["model"],
               "%.2f ms" % f["nrc_encode_ms"]["model"]]
        print("| " + " | ".join(row) + " |")


main()
