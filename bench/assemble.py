#!/usr/bin/env python3
"""Builds the one JSON object of `bench/run-all` from the raw outputs of its steps (target/bench/raw/NAME.json and
NAME.status), with the ratios and goals of each section. Prints it on stdout and writes it to --out.

Each section holds the raw figures of every party, `ratio` (or ratios) and `goals` ({name: {goal, value, met}}); a
section whose command is not in the build is {"status": "pending", "why": ...}; a failed step is
{"status": "failed", ...} with its log file.
"""
import argparse
import json
import math
import os
import re


def load(raw, name):
    """(status, data): status 'ok' / 'pending ...' / 'failed ...' / 'timeout ...' / 'missing'; data = parsed JSON."""
    st_path = os.path.join(raw, name + ".status")
    status = open(st_path).read().strip() if os.path.exists(st_path) else "missing"
    data = None
    path = os.path.join(raw, name + ".json")
    if status.startswith("ok") and os.path.exists(path):
        text = open(path).read().strip()
        try:
            data = json.loads(text)
        except ValueError:
            # the last line that parses as a JSON object (tools that print progress on stdout first)
            for line in reversed(text.splitlines()):
                line = line.strip()
                if line.startswith("{"):
                    try:
                        data = json.loads(line)
                        break
                    except ValueError:
                        pass
            if data is None:
                status = "failed (stdout is not JSON)"
    return status, data


def not_ok(status, name, raw):
    if status.startswith("pending"):
        return {"status": "pending", "why": status[len("pending"):].strip()}
    log = os.path.join(os.path.dirname(raw), "logs", name + ".log")
    return {"status": status.split(" ")[0], "detail": status, "log": os.path.relpath(log)}


def seconds(status):
    m = re.match(r"ok (\d+)", status)
    return int(m.group(1)) if m else None


def rnd(x, d=4):
    return None if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))) else round(x, d)


def goal(text, value, met):
    return {"goal": text, "value": value, "met": met if value is not None else None}


def find_key(obj, pattern, path=""):
    """First (path, value) whose key matches the regex `pattern` (case-insensitive), depth first, numbers only."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            p = path + "." + k if path else k
            if re.search(pattern, k, re.I) and isinstance(v, (int, float)) and not isinstance(v, bool):
                return p, v
        for k, v in obj.items():
            r = find_key(v, pattern, path + "." + k if path else k)
            if r:
                return r
    return None


# ---- sections ----

def overhead(raw):
    st_n, nas = load(raw, "overhead-nasflow")
    st_o, opt = load(raw, "overhead-optuna")
    st_r, ray = load(raw, "overhead-ray")
    sec = {"protocol": "no-work candidates / trials (1 epoch, no training: nasflow's NB201 table trainer at 1 "
                       "epoch with pacing 0, Optuna/Ray objectives returning a constant); the 6 NB201 edges sampled "
                       "at random (nasflow 'random' strategy, Optuna RandomSampler, Tune's random variant "
                       "generator); wall time of a whole timed search / study after a warm-up"}
    sec["nasflow"] = nas if nas else not_ok(st_n, "overhead-nasflow", raw)
    sec["optuna"] = opt if opt else not_ok(st_o, "overhead-optuna", raw)
    sec["rayTune"] = ray if ray else not_ok(st_r, "overhead-ray", raw)
    ratios, goals = {}, {}
    ms = lambda d, k, f="msPerCandidate": (d or {}).get(k, {}).get(f) if isinstance((d or {}).get(k), dict) else None
    dev = ms(nas, "devServer")
    inproc = ms(nas, "inProcess")
    o_sql = ms(opt, "sqlite", "msPerTrial")
    o_jnl = ms(opt, "journal", "msPerTrial")
    o_mem = ms(opt, "memory", "msPerTrial")
    if dev and o_sql:
        ratios["devServerOverOptunaSqlite"] = rnd(dev / o_sql)
    if dev and o_jnl:
        ratios["devServerOverOptunaJournal"] = rnd(dev / o_jnl)
    durable = [x for x in (o_sql, o_jnl) if x]
    if dev and durable:
        best = min(durable)
        which = "sqlite" if best == o_sql else "journal"
        ratios["nasflowDurableOverOptunaDurable"] = rnd(dev / best)
        ratios["note"] = ("seconds per candidate of nasflow on the real Temporal dev server (SQLite file) / seconds "
                          "per trial of Optuna's faster durable storage (%s); <= 1.0: nasflow is not slower per "
                          "trial" % which)
        goals["durableRatio"] = goal("nasflow-durable / Optuna-durable seconds per trial <= 1.0",
                                     rnd(dev / best), dev / best <= 1.0)
    dev_nk = ms(nas, "devServerNoKafka")
    if dev_nk and durable:
        ratios["devServerNoKafkaOverOptunaDurable"] = rnd(dev_nk / min(durable))
        ratios["noteNoKafka"] = ("the same without nasflow's Kafka events (the Temporal part of the durable path; "
                                 "Optuna keeps no event stream)")
    if inproc and o_mem:
        ratios["inProcessOverOptunaMemory"] = rnd(inproc / o_mem)
    dev_cpu = ms(nas, "devServer", "cpuMsPerCandidate")
    cpu_durable = [x for x in (ms(opt, "sqlite", "cpuMsPerTrial"), ms(opt, "journal", "cpuMsPerTrial")) if x]
    if dev_cpu and cpu_durable:
        ratios["cpu"] = {"devServerOverOptunaDurable": rnd(dev_cpu / min(cpu_durable)),
                         "note": "CPU ms per candidate (bench JVM + dev server process) / CPU ms per trial of the "
                                 "Optuna process (its cheaper durable storage); insensitive to other load on the "
                                 "machine, blind to fsync waits"}
    if ray and ray.get("msPerTrial") and dev:
        ratios["devServerOverRayTune"] = rnd(dev / ray["msPerTrial"])
    if inproc:
        cps = nas["inProcess"]["candidatesPerSecond"]
        goals["inProcessThroughput"] = goal("nasflow in-process >= 50 candidates/s", cps, cps >= 50)
    sec["ratio"] = ratios
    sec["goals"] = goals
    return sec


def stop_latency(raw):
    st, d = load(raw, "stop-latency")
    if not d:
        return not_ok(st, "stop-latency", raw)
    sec = {"raw": d}
    p50 = find_key(d, r"p50")
    p99 = find_key(d, r"p99")
    if p50:
        sec["p50"] = {"key": p50[0], "value": p50[1]}
    if p99:
        sec["p99"] = {"key": p99[0], "value": p99[1]}
        key = p99[0].lower()
        ms_value = p99[1] if "ms" in key or "millis" in key else (p99[1] * 1000 if "sec" in key or key.endswith("s")
                                                                 else None)
        if ms_value is not None:
            sec["ratio"] = {"p99OverGoal": rnd(ms_value / 300.0)}
            sec["goals"] = {"p99": goal("p99 < 300 ms (metric published -> training loop stopped, 50 concurrent)",
                                        rnd(ms_value, 1), ms_value < 300)}
            if p50:
                sec["goals"]["p50"] = goal("p50 < 100 ms", p50[1], p50[1] < 100)
    st2, s2 = load(raw, "stop-latency-surrogate")
    if s2 and "predictionP99Ms" in s2:
        sec["surrogate"] = {"raw": s2}
        sec.setdefault("goals", {})["surrogatePredictionP99"] = goal(
            "p99 < 200 ms (metric published -> surrogate prediction published, 50 concurrent)",
            s2["predictionP99Ms"], s2["predictionP99Ms"] < 200)
    elif st2 != "missing":
        sec["surrogate"] = not_ok(st2, "stop-latency-surrogate", raw)
    return sec


def training(raw):
    st, d = load(raw, "train")
    if not d:
        return not_ok(st, "train", raw)
    sec = {"raw": d}
    djl = (d.get("djl") or {}).get("imagesPerSecond")
    pt = (d.get("pytorch") or {}).get("imagesPerSecond")
    if djl is not None:
        sec["djlImagesPerSecond"] = djl
    if pt is not None:
        sec["pytorchImagesPerSecond"] = pt
    ratio = d.get("ratio")
    if ratio is None and djl and pt:
        ratio = djl / pt
    if ratio is not None:
        sec["ratio"] = {"djlOverPytorch": rnd(ratio)}
        sec["goals"] = {"throughputRatio": goal("DJL / PyTorch eager images/s >= 0.9 (same CNN, threads, batch)",
                                                rnd(ratio), ratio >= 0.9)}
    else:
        sec["ratio"] = {"djlOverPytorch": None, "why": d.get("pytorchSkipped", "no PyTorch figure")}
    return sec


def search_quality(raw, runs, bananas_runs):
    sec = {"protocol": "NB201 CIFAR-10 (nasflow bench / bench/optuna_nb201.py): the search sees the 12-epoch valid "
                       "accuracy, pays train-all-time x 12/200 simulated s, stops once 12,000 s are reached (the "
                       "crossing evaluation counts); pick = best observed 12-epoch valid (ties: first); score = the "
                       "pick's 200-epoch valid accuracy; seeds 1..N; std = population std",
           "published": {"random": "90.93 +- 0.36", "reinforce": "91.09 +- 0.37", "bohb": "90.82 +- 0.53",
                         "rea": "91.19 +- 0.31", "optimum": 91.61}}
    methods = {}
    for f in sorted(os.listdir(raw)):
        m = re.match(r"quality-nasflow-(.+)\.status$", f)
        if not m:
            continue
        name = m.group(1)
        st, d = load(raw, "quality-nasflow-" + name)
        if d:
            evals = [r["evaluations"] for r in d.get("runs", [])]
            methods["nasflow/" + name] = {"mean": rnd(d["mean"]), "std": rnd(d["std"]), "runs": len(d["runs"]),
                                          "evaluationsMean": rnd(sum(evals) / len(evals), 2) if evals else None,
                                          "wallSeconds": rnd(d.get("wallSeconds"), 2)}
        else:
            methods["nasflow/" + name] = not_ok(st, "quality-nasflow-" + name, raw)
    st, d = load(raw, "quality-optuna")
    if d:
        sec["optunaVersion"] = d.get("optuna")
        for k in ("tpe", "nsga2", "random"):
            if k in d:
                methods["optuna/" + k] = {"mean": rnd(d[k]["mean"]), "std": rnd(d[k]["std"]),
                                          "runs": len(d[k]["runs"]), "evaluationsMean": d[k]["evaluationsMean"],
                                          "wallSeconds": d[k]["wallSeconds"], "sampler": d[k]["sampler"]}
    else:
        methods["optuna"] = not_ok(st, "quality-optuna", raw)
    sec["methods"] = methods
    ok = {k: v for k, v in methods.items() if "mean" in v}
    nas = {k: v for k, v in ok.items() if k.startswith("nasflow/") and v["runs"] >= min(runs, 100)}
    opt = {k: v for k, v in ok.items() if k.startswith("optuna/") and not k.endswith("random")}
    if nas and opt:
        bn = max(nas, key=lambda k: nas[k]["mean"])
        bo = max(opt, key=lambda k: opt[k]["mean"])
        sec["ratio"] = {"bestNasflow": bn, "bestOptuna": bo,
                        "meanDeltaPoints": rnd(nas[bn]["mean"] - opt[bo]["mean"]),
                        "bestNasflowOverBestOptuna": rnd(nas[bn]["mean"] / opt[bo]["mean"], 6),
                        "note": "best nasflow strategy with >= %d runs vs best of Optuna TPE / NSGA-II; bananas ran "
                                "%d runs" % (min(runs, 100), bananas_runs)}
        sec["goals"] = {"notWorseThanOptuna": goal("best nasflow strategy mean >= best Optuna sampler mean",
                                                   rnd(nas[bn]["mean"] - opt[bo]["mean"]),
                                                   nas[bn]["mean"] >= opt[bo]["mean"])}
    return sec


def stopping(raw):
    st, d = load(raw, "stopping")
    if not d:
        return not_ok(st, "stopping", raw)
    sec = dict(d)
    ratios, goals = {}, {}
    for label, r in d.get("rules", {}).items():
        if r.get("rule") == "none":
            continue
        ratios[label] = {"fewerEpochsFactor": r["fewerEpochsFactor"], "pickGapToNonePoints": r["pickGapToNoneMean"]}
        goals[label] = goal(">= 3x fewer epochs than none and pick within 0.1 points",
                            {"fewerEpochsFactor": r["fewerEpochsFactor"], "pickGapPoints": r["pickGapToNoneMean"]},
                            r["fewerEpochsFactor"] >= 3 and r["pickGapToNoneMean"] <= 0.1)
    sec["ratio"] = ratios
    sec["goals"] = goals
    return sec


def stopping_recorded(raw, name="stopping-recorded"):
    """Stopping rules replayed on recorded real learning curves (nasflow bench stopping --curves)."""
    st, d = load(raw, name)
    if not d:
        return not_ok(st, name, raw)
    sec = dict(d)
    ratios, goals = {}, {}
    rules = d.get("rules", {})
    medians = [r for r in rules.values() if r.get("rule") == "median"]
    for label, r in rules.items():
        if r.get("rule") == "none":
            continue
        ratios[label] = {"fewerEpochsFactor": r["fewerEpochsFactor"], "regretPoints": r["regretMean"]}
        goals[label] = goal(">= 3x fewer epochs than none and pick regret <= 0.1 points",
                            {"fewerEpochsFactor": r["fewerEpochsFactor"], "regretPoints": r["regretMean"]},
                            r["fewerEpochsFactor"] >= 3 and r["regretMean"] <= 0.1)
    sur = rules.get("surrogate")
    if sur and medians:
        best_saving = max(m["fewerEpochsFactor"] for m in medians)
        best_regret = min(m["regretMean"] for m in medians)
        # a median variant beats the surrogate when it saves at least as much at no more regret, one of the two
        # strictly better; the surrogate is "at least as good" when no variant does
        beaten_by = [label for label, m in rules.items() if m.get("rule") == "median"
                     and m["fewerEpochsFactor"] >= sur["fewerEpochsFactor"] and m["regretMean"] <= sur["regretMean"]
                     and (m["fewerEpochsFactor"] > sur["fewerEpochsFactor"] or m["regretMean"] < sur["regretMean"])]
        goals["surrogateVsMedian"] = goal(
            "no median variant saves at least as many epochs as the surrogate at no more regret (one strictly better)",
            {"surrogateFewerEpochs": sur["fewerEpochsFactor"], "bestMedianFewerEpochs": best_saving,
             "surrogateRegret": sur["regretMean"], "bestMedianRegret": best_regret, "beatenBy": beaten_by},
            not beaten_by)
    tau = d.get("kendallTau", {})
    sec["kendallTauAt124"] = {k: {e: v.get(e) for e in ("1", "2", "4")} for k, v in tau.items()}
    sec["ratio"] = ratios
    sec["goals"] = goals
    return sec


def warm_start(raw):
    """Warm-started vs cold NB201 searches on CIFAR-100 / ImageNet16-120 from a finished CIFAR-10 search
    (nasflow bench warm-start: a simulation on the tables, picks scored by 12-epoch test accuracy)."""
    st, d = load(raw, "warm-start")
    if not d:
        return not_ok(st, "warm-start", raw)
    sec = dict(d)
    goals = {}
    for row in d.get("results", []):
        warm_half = row["warm"][1]["mean"]
        cold_full = row["cold"][2]["mean"]
        goals[row["dataset"] + "/" + row["strategy"]] = goal(
            "warm-started at 50 % of the budget >= cold at 100 % (mean test accuracy of the pick)",
            {"warmAt50": warm_half, "coldAt100": cold_full}, warm_half >= cold_full)
    sec["goals"] = goals
    return sec


def mo_stopping(raw):
    """Multi-objective stopping (rule pareto), simulated: epochs saved and hypervolume ratio per curve set and strategy."""
    sec, ratios, goals = {}, {}, {}
    for name, key in (("mo-stopping", "nb201Modelled"), ("mo-stopping-tabulated", "nb201TabulatedOnly"),
                      ("mo-stopping-generational", "nb201ModelledGenerational"),
                      ("mo-stopping-recorded", "recordedCurves"),
                      ("mo-stopping-recorded-val6k", "recordedCurvesVal6k"),
                      ("mo-stopping-recorded-val6k-16ep", "recordedCurvesVal6k16ep"),
                      ("mo-stopping-recorded-heldout-val6k", "recordedCurvesHeldoutVal6k"),
                      ("mo-stopping-recorded-heldout", "recordedCurvesHeldout"),
                      ("mo-stopping-recorded-heldout-seed3", "recordedCurvesHeldoutSeed3"),
                      ("mo-stopping-recorded-warm-val6k-16ep", "recordedCurvesWarmVal6k16ep"),
                      ("mo-stopping-recorded-warm-heldout-val6k", "recordedCurvesWarmHeldoutVal6k"),
                      ("mo-stopping-recorded-warm-heldout", "recordedCurvesWarmHeldout"),
                      ("mo-stopping-recorded-warm-heldout-seed3", "recordedCurvesWarmHeldoutSeed3")):
        st, d = load(raw, name)
        if not d:
            sec[key] = not_ok(st, name, raw)
            continue
        sec[key] = d
        for strategy, rules in d.get("strategies", {}).items():
            for label, r in rules.items():
                if label == "none":
                    continue
                k = key + "/" + strategy + "/" + label
                ratios[k] = {"fewerEpochsFactor": r["fewerEpochsFactor"], "hvRatio": r["hvRatioMean"]}
                goals[k] = goal(">= 3x fewer epochs than none with >= 0.99 of its hypervolume",
                                ratios[k], r["fewerEpochsFactor"] >= 3 and r["hvRatioMean"] >= 0.99)
    sec["ratio"] = ratios
    sec["goals"] = goals
    return sec


def fanout(raw):
    st, d = load(raw, "fanout")
    if not d:
        return not_ok(st, "fanout", raw)
    sec = dict(d)
    sec["goals"] = {
        "everyResultOnce": goal("every candidate evaluated, no duplicate, none failed",
                                {"evaluations": d["evaluations"], "duplicates": d["duplicates"], "failed": d["failed"]},
                                d["evaluations"] == d["candidates"] and d["duplicates"] == 0 and d["failed"] == 0),
        "allInFlight": goal("peak candidates in flight = maxConcurrent", d["peakRunning"],
                            d["peakRunning"] == d["maxConcurrent"]),
        "boundedHistory": goal("every execution under Temporal's 10,240-event history warning",
                               {"search": d["searchHistoryMax"], "shard": d["shardHistoryMax"]},
                               d["searchHistoryMax"] < 10240 and d["shardHistoryMax"] < 10240),
    }
    return sec


def running_savings(raw):
    st, d = load(raw, "savings")
    if not d:
        return not_ok(st, "savings", raw)
    sec = dict(d)
    goals = {}
    none_pick = {r["scheduling"]: r.get("pickTest200") for r in d.get("rows", []) if r["rule"] == "none"}
    for row in d.get("rows", []):
        label = row["scheduling"] + "/" + row["rule"]
        ref = none_pick.get(row["scheduling"])
        if row["rule"] != "none" and ref is not None and row.get("pickTest200") is not None:
            goals[label + "/pick"] = goal("pick's 200-epoch accuracy within 0.1 points of none's",
                                          rnd(row["pickTest200"] - ref, 3), row["pickTest200"] >= ref - 0.1)
        if row["rule"] == "none":
            goals[label] = goal("slot utilization >= 0.90 (async)", row["utilization"],
                                row["utilization"] >= 0.9 if row["scheduling"] == "async" else None)
            continue
        goals[label] = goal("wall saving >= 0.8 x epoch saving and >= 3x",
                            {"epochSaving": row["epochSaving"], "wallSaving": row["wallSaving"]},
                            row["wallSaving"] >= 0.8 * row["epochSaving"] and row["wallSaving"] >= 3)
    sec["goals"] = goals
    return sec


def scaling(raw):
    st, d = load(raw, "scaling")
    if not d:
        return not_ok(st, "scaling", raw)
    sec = dict(d)
    ratios, goals = {}, {}
    pts = d.get("workers", {}).get("points", [])
    if len(pts) >= 2:
        last = pts[-1]
        ratios["speedupAtMaxWorkers"] = last["speedupOverOneWorker"]
        ratios["speedupOverWorkerRatio"] = rnd(last["speedupOverOneWorker"] / last["workers"], 3)
    pop = d.get("population", {})
    if pop.get("points"):
        p = pop["points"]
        ratios["msPerCandidateLargestOverSmallestPopulation"] = rnd(p[-1]["msPerCandidate"] / p[0]["msPerCandidate"], 3)
        if p[0].get("cpuMsPerCandidate"):
            growth = p[-1]["cpuMsPerCandidate"] / p[0]["cpuMsPerCandidate"]
            ratios["cpuMsPerCandidateLargestOverSmallestPopulation"] = rnd(growth, 3)
            goals["linearCost"] = goal("time per generation grows at most linearly with the population: CPU ms per "
                                       "candidate at the largest population <= 1.25 x at the smallest",
                                       rnd(growth, 3), growth <= 1.25)
        fit = pop.get("linearFitCpu") or pop.get("linearFit") or {}
        if fit:
            ratios["linearFitCpuR2"] = fit.get("r2")
        limit = re.search(r"above (\d+) history events", pop.get("setup", ""))
        if limit:
            lim = int(limit.group(1))
            maxlen = max(x["historyLength"] for x in p)
            biggest = max(p, key=lambda x: x["population"])
            goals["boundedHistory"] = goal("history events per run <= limit + one generation's events",
                                           maxlen, maxlen <= lim + 4 * biggest["population"] + 50)
            per = [x["carriedBytesPerResult"] for x in p if x.get("carriedBytesPerResult")]
            if per:
                ratios["carriedStateBytesPerResult"] = max(per)
                ratios["carriedStateNote"] = ("the state carried across continue-as-new holds every finished result "
                                              "(about %.0f bytes each): history events stay bounded, that payload "
                                              "grows with the search and reaches Temporal's default 2 MB payload "
                                              "limit near %d results" % (max(per), 2 * 1024 * 1024 / max(per)))
    sec["ratio"] = ratios
    sec["goals"] = goals
    return sec


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--wall-seconds", type=int, required=True)
    ap.add_argument("--machine", default="")
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--bananas-runs", type=int, default=10)
    args = ap.parse_args()
    _, peers = load(args.raw, "peers") if os.path.exists(os.path.join(args.raw, "peers.status")) else (None, None)
    if peers is None:
        try:
            peers = json.load(open(os.path.join(args.raw, "peers.json")))
        except (OSError, ValueError):
            peers = {}
    steps = {}
    for f in sorted(os.listdir(args.raw)):
        if f.endswith(".status"):
            steps[f[:-7]] = open(os.path.join(args.raw, f)).read().strip()
    report = {
        "command": "bench/run-all",
        "machine": args.machine,
        "peers": peers,
        "wallSeconds": args.wall_seconds,
        "overhead": overhead(args.raw),
        "stopLatency": stop_latency(args.raw),
        "training": training(args.raw),
        "searchQuality": search_quality(args.raw, args.runs, args.bananas_runs),
        "stoppingSavings": stopping(args.raw),
        "stoppingSavingsRecorded": stopping_recorded(args.raw),
        "stoppingSavingsRecordedVal6k": stopping_recorded(args.raw, "stopping-recorded-val6k"),
        "stoppingSavingsRecordedVal6k16ep": stopping_recorded(args.raw, "stopping-recorded-val6k-16ep"),
        "stoppingSavingsRecordedHeldout": stopping_recorded(args.raw, "stopping-recorded-heldout"),
        "stoppingSavingsRecordedHeldoutVal6k": stopping_recorded(args.raw, "stopping-recorded-heldout-val6k"),
        "stoppingSavingsRecordedHeldoutSeed3": stopping_recorded(args.raw, "stopping-recorded-heldout-seed3"),
        "stoppingSavingsRecordedHeldoutVal6kSeed3": stopping_recorded(args.raw, "stopping-recorded-heldout-val6k-seed3"),
        "stoppingSavingsRecordedHeldoutVal6kSeed4": stopping_recorded(args.raw, "stopping-recorded-heldout-val6k-seed4"),
        "stoppingSavingsRecordedHeldoutVal6kSeed4b": stopping_recorded(args.raw, "stopping-recorded-heldout-val6k-seed4b"),
        "stoppingSavingsRecordedHeldoutVal6kSeed5": stopping_recorded(args.raw, "stopping-recorded-heldout-val6k-seed5"),
        # the surrogate rules with the architecture model pre-trained on another file of the same task (warm start)
        "stoppingSavingsRecordedWarm": {
            "val6k16ep": stopping_recorded(args.raw, "stopping-recorded-warm-val6k-16ep"),
            "heldoutVal6k": stopping_recorded(args.raw, "stopping-recorded-warm-heldout-val6k"),
            "heldout": stopping_recorded(args.raw, "stopping-recorded-warm-heldout"),
            "heldoutSeed3": stopping_recorded(args.raw, "stopping-recorded-warm-heldout-seed3"),
            "heldoutVal6kSeed3": stopping_recorded(args.raw, "stopping-recorded-warm-heldout-val6k-seed3"),
            "heldoutVal6kSeed4": stopping_recorded(args.raw, "stopping-recorded-warm-heldout-val6k-seed4"),
            "heldoutVal6kSeed4b": stopping_recorded(args.raw, "stopping-recorded-warm-heldout-val6k-seed4b"),
            "heldoutVal6kSeed5": stopping_recorded(args.raw, "stopping-recorded-warm-heldout-val6k-seed5"),
        },
        "moStopping": mo_stopping(args.raw),
        "runningSavings": running_savings(args.raw),
        "warmStart": warm_start(args.raw),
        "scaling": scaling(args.raw),
        "fanout": fanout(args.raw),
        "steps": steps,
    }
    text = json.dumps(report, indent=None, separators=(",", ":"))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(json.dumps(report, indent=2) + "\n")
    print(text)


if __name__ == "__main__":
    main()
