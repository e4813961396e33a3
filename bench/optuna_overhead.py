#!/usr/bin/env python3
"""Orchestration cost per trial of Optuna's ask/tell loop with a no-work objective, for `bench/run-all` (overhead).

The same search as `nasflow bench overhead`: the 6 NAS-Bench-201 cell edges sampled as categoricals over the 5 ops
(RandomSampler, like nasflow's `random` strategy), one "epoch" of no work (the objective returns a constant), the
value told back. Storages: in-memory, SQLite RDB (`sqlite:///FILE`, SQLAlchemy, SQLite's default rollback journal
with synchronous=FULL: every commit is fsync'd) and JournalStorage on a file (every append fsync'd). Each storage gets
a short warm-up study, then a timed study of N trials or until --max-seconds, whichever comes first.

Prints one JSON object: {"optuna": version, "<storage>": {"trials", "wallSeconds", "trialsPerSecond",
"msPerTrial", "cpuMsPerTrial" (this process's CPU time), "storage"}, ...}.
"""
import argparse
import json
import os
import shutil
import tempfile
import time

import optuna

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
EDGES = 6


def make_storage(kind, workdir):
    if kind == "memory":
        return None, "in-memory (optuna.storages.InMemoryStorage)"
    if kind == "sqlite":
        path = os.path.join(workdir, "optuna.db")
        return "sqlite:///" + path, "RDB sqlite:///%s (SQLAlchemy %s)" % (os.path.basename(path),
                                                                        __import__("sqlalchemy").__version__)
    if kind == "journal":
        from optuna.storages.journal import JournalFileBackend, JournalStorage
        path = os.path.join(workdir, "optuna-journal.log")
        return JournalStorage(JournalFileBackend(path)), "JournalStorage(JournalFileBackend(%s))" % os.path.basename(path)
    raise SystemExit("unknown storage %r (memory, sqlite, journal)" % kind)


def run_study(storage, name, trials, max_seconds, seed):
    study = optuna.create_study(study_name=name, storage=storage, direction="maximize",
                                sampler=optuna.samplers.RandomSampler(seed=seed), load_if_exists=False)
    t0 = time.perf_counter()
    c0 = time.process_time()
    done = 0
    while done < trials and time.perf_counter() - t0 < max_seconds:
        trial = study.ask()
        for e in range(EDGES):
            trial.suggest_categorical("edge%d" % e, OPS)
        study.tell(trial, 1.0)  # one epoch of no work
        done += 1
    return done, time.perf_counter() - t0, time.process_time() - c0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--storage", default="memory,sqlite,journal", help="comma-separated: memory, sqlite, journal")
    ap.add_argument("--trials", type=int, default=1000, help="trials per timed study (default 1000)")
    ap.add_argument("--max-seconds", type=float, default=60.0, help="stop a timed study after this long (default 60)")
    ap.add_argument("--warmup", type=int, default=20, help="trials of the warm-up study per storage (default 20)")
    ap.add_argument("--workdir", default=None, help="where the SQLite / journal files go (default: a temp dir)")
    args = ap.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    base = args.workdir or tempfile.mkdtemp(prefix="optuna-overhead-")
    report = {"optuna": optuna.__version__, "sampler": "RandomSampler", "objective": "constant (no work)"}
    for kind in [s.strip() for s in args.storage.split(",") if s.strip()]:
        workdir = os.path.join(base, kind)
        shutil.rmtree(workdir, ignore_errors=True)
        os.makedirs(workdir)
        storage, what = make_storage(kind, workdir)
        if args.warmup > 0:
            run_study(storage, "warmup", args.warmup, args.max_seconds, 0)
        n, wall, cpu = run_study(storage, "timed", args.trials, args.max_seconds, 1)
        report[kind] = {"storage": what, "trials": n, "wallSeconds": round(wall, 4),
                        "trialsPerSecond": round(n / wall, 2), "msPerTrial": round(1000 * wall / n, 3),
                        "cpuMsPerTrial": round(1000 * cpu / n, 3)}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
