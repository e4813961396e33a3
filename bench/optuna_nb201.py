#!/usr/bin/env python3
"""Optuna samplers on the NAS-Bench-201 table under nasflow's protocol (`nasflow bench`, docs/BENCHMARKS.md), for
`bench/run-all` (searchQuality).

Protocol, identical to dev.nasflow.bench.BenchRunner:
- the study samples the 6 cell edges as categoricals over the 5 ops (`suggest_categorical`);
- the objective returns the cell's tabulated 12-epoch CIFAR-10 validation accuracy (`all-12ep.csv`, `cifar10-val`)
  and pays `train-all-time x 12 / 200` simulated seconds (`cifar10-200ep.csv`); a repeated cell pays again;
- the study stops once cumulative simulated time reaches --budget-seconds (12,000); the trial that crosses it counts;
- the pick is the best observed 12-epoch validation accuracy (ties: the first seen); the run reports the pick's
  200-epoch validation accuracy (`valid-accuracy`);
- run i uses seed --seed + i for the sampler; mean and std over runs (std = population std, ddof 0).
Studies use in-memory storage (storage does not change what a sampler picks).

Tables: the gzipped copies shipped in the jar (src/main/resources/nb201/*.csv.gz) or plain CSVs (--tables DIR, e.g.
../shared/benchmarks/nb201), joined on the architecture string.

Prints one JSON object: {"optuna": version, "<sampler>": {"mean", "std", "runs": [{seed, arch, valid200, valid12,
evaluations, simSeconds}], "wallSeconds", "sampler"}, ...}.
"""
import argparse
import csv
import gzip
import io
import json
import math
import multiprocessing as mp
import os
import time

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
# arch string |e0~0|+|e1~0|e2~1|+|e3~0|e4~1|e5~2|: edge k -> (input node)
EDGE_INPUT = [0, 0, 1, 0, 1, 2]

TABLE = {}


def arch_of(edges):
    parts = ["%s~%d" % (op, EDGE_INPUT[k]) for k, op in enumerate(edges)]
    return "|%s|+|%s|%s|+|%s|%s|%s|" % tuple(parts)


def open_text(path):
    if path.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return open(path, encoding="utf-8")


def find(dirs, name):
    for d in dirs:
        for candidate in (os.path.join(d, name), os.path.join(d, name + ".gz")):
            if os.path.isfile(candidate):
                return candidate
    raise SystemExit("table %s not found in %s (use --tables DIR)" % (name, ", ".join(dirs)))


def load(dirs):
    t200, t12 = {}, {}
    with open_text(find(dirs, "cifar10-200ep.csv")) as f:
        for row in csv.DictReader(f):
            t200[row["arch_str"]] = (float(row["valid-accuracy"]), float(row["train-all-time"]))
    with open_text(find(dirs, "all-12ep.csv")) as f:
        for row in csv.DictReader(f):
            t12[row["cellstr"]] = float(row["cifar10-val"])
    table = {a: (t12[a], v200, time200) for a, (v200, time200) in t200.items() if a in t12}
    if len(table) != 15625:
        raise SystemExit("joined NB201 tables have %d cells, expected 15625" % len(table))
    return table


def make_sampler(name, seed):
    import optuna
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    raise SystemExit("unknown sampler %r (tpe, nsga2, random)" % name)


def one_run(args):
    name, seed, budget = args
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=make_sampler(name, seed))
    spent = 0.0
    evaluations = 0
    pick = None  # (valid12, arch)
    while spent < budget:
        trial = study.ask()
        arch = arch_of([trial.suggest_categorical("edge%d" % k, OPS) for k in range(6)])
        v12, _, time200 = TABLE[arch]
        spent += time200 * 12 / 200
        evaluations += 1
        if pick is None or v12 > pick[0]:
            pick = (v12, arch)
        study.tell(trial, v12)
    return {"seed": seed, "arch": pick[1], "valid200": TABLE[pick[1]][1], "valid12": pick[0],
            "evaluations": evaluations, "simSeconds": round(spent, 3)}


def init(dirs):
    global TABLE
    TABLE = load(dirs)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sampler", default="tpe,nsga2", help="comma-separated: tpe, nsga2, random (default tpe,nsga2)")
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1, help="seed of the first run; run i uses seed + i (default 1)")
    ap.add_argument("--budget-seconds", type=float, default=12000.0)
    ap.add_argument("--tables", default=None,
                    help="directory with cifar10-200ep.csv[.gz] and all-12ep.csv[.gz] (default: the shipped ones)")
    ap.add_argument("--processes", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args()
    dirs = [args.tables] if args.tables else [os.path.join(here, "..", "src", "main", "resources", "nb201"),
                                              os.path.join(here, "..", "..", "shared", "benchmarks", "nb201")]
    import optuna
    init(dirs)
    report = {"optuna": optuna.__version__, "budgetSeconds": args.budget_seconds,
              "optimum200": max(v[1] for v in TABLE.values())}
    with mp.Pool(args.processes, initializer=init, initargs=(dirs,)) as pool:
        for name in [s.strip() for s in args.sampler.split(",") if s.strip()]:
            t0 = time.perf_counter()
            jobs = [(name, args.seed + i, args.budget_seconds) for i in range(args.runs)]
            runs = pool.map(one_run, jobs, chunksize=1)
            vals = [r["valid200"] for r in runs]
            mean = sum(vals) / len(vals)
            std = math.sqrt(sum((v - mean) ** 2 for v in vals) / len(vals))
            report[name] = {"sampler": type(make_sampler(name, 0)).__name__ + " (defaults, seeded)",
                            "mean": round(mean, 4), "std": round(std, 4), "runs": runs,
                            "evaluationsMean": round(sum(r["evaluations"] for r in runs) / len(runs), 2),
                            "wallSeconds": round(time.perf_counter() - t0, 2)}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
