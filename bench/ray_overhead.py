#!/usr/bin/env python3
"""Orchestration cost per trial of Ray Tune with a no-work trainable, for `bench/run-all` (overhead).

The same search as `nasflow bench overhead` and `optuna_overhead.py`: the 6 NAS-Bench-201 cell edges as
`tune.choice` over the 5 ops (Tune's default random/grid variant generator), each trial one report of a constant (no
work), --cpu-per-trial CPUs reserved per trial (fractional: several no-work trials share a core), actors reused. A local Ray cluster (`ray.init(num_cpus=...)`); experiment state goes to a local storage path (Tune's
checkpointing of trial and experiment state). The timed part is `Tuner.fit()` only (not `ray.init`), after a small
warm-up fit. Stops after N trials or --max-seconds (Tune's time budget), whichever first.

Prints one JSON object: {"ray": version, "trials", "wallSeconds", "trialsPerSecond", "msPerTrial", "initSeconds",
"numCpus", "maxConcurrentTrials"}.
"""
import argparse
import json
import os
import tempfile
import time


def trainable(config):
    return {"score": 1.0}  # one epoch of no work, reported once


def fit(tune, n, max_seconds, storage, name, concurrency, cpu_per_trial):
    from ray.tune import RunConfig, TuneConfig, Tuner
    ops = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
    space = {"edge%d" % e: tune.choice(ops) for e in range(6)}
    tuner = Tuner(tune.with_resources(trainable, {"cpu": cpu_per_trial}), param_space=space,
                  tune_config=TuneConfig(num_samples=n, metric="score", mode="max", time_budget_s=max_seconds,
                                         max_concurrent_trials=concurrency, reuse_actors=True),
                  run_config=RunConfig(name=name, storage_path=storage, verbose=0))
    t0 = time.perf_counter()
    results = tuner.fit()
    wall = time.perf_counter() - t0
    done = sum(1 for r in results if r.error is None and r.metrics and "score" in r.metrics)
    return done, wall


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--max-seconds", type=float, default=120.0)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--num-cpus", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--concurrency", type=int, default=0, help="max concurrent trials (0 = as the CPUs allow)")
    ap.add_argument("--cpu-per-trial", type=float, default=0.25,
                    help="CPUs reserved per trial (default 0.25: 4 no-work trials per core at a time)")
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
    os.environ.setdefault("TUNE_DISABLE_AUTO_CALLBACK_LOGGERS", "1")
    import ray
    from ray import tune
    storage = os.path.abspath(args.workdir or tempfile.mkdtemp(prefix="ray-overhead-"))
    t0 = time.perf_counter()
    ray.init(num_cpus=args.num_cpus, include_dashboard=False, log_to_driver=False, logging_level="ERROR",
             configure_logging=True)
    init = time.perf_counter() - t0
    conc = args.concurrency or None
    try:
        if args.warmup > 0:
            fit(tune, args.warmup, args.max_seconds, storage, "warmup", conc, args.cpu_per_trial)
        n, wall = fit(tune, args.trials, args.max_seconds, storage, "timed", conc, args.cpu_per_trial)
    finally:
        ray.shutdown()
    print(json.dumps({"ray": ray.__version__, "trials": n, "wallSeconds": round(wall, 4),
                      "trialsPerSecond": round(n / wall, 2) if n else 0.0,
                      "msPerTrial": round(1000 * wall / n, 3) if n else None, "initSeconds": round(init, 2),
                      "numCpus": args.num_cpus, "cpuPerTrial": args.cpu_per_trial,
                      "maxConcurrentTrials": conc or "as the CPUs allow", "reuseActors": True,
                      "storage": "local storage_path (Tune experiment/trial state)"}))


if __name__ == "__main__":
    main()
