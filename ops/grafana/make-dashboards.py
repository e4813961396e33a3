#!/usr/bin/env python3
"""Writes the nasflow Grafana dashboards (ops/grafana/dashboards/*.json).

The JSON files are committed; edit this script and rerun it (python3 ops/grafana/make-dashboards.py) rather than
editing the JSON by hand, so that the four dashboards stay consistent. Every panel query must return data on a
running search: PrometheusDashboardsTest (tag "prometheus") evaluates each one through a real Prometheus.

Grafana variables used in queries: $search (multi-value, regex), $__rate_interval, $__range.
"""
import json
import os

DS = {"type": "prometheus", "uid": "prometheus"}
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dashboards")
# the Helm chart ships the same files as ConfigMaps (helm reads only files inside the chart)
CHART_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "helm", "nasflow", "dashboards")


class Board:
    def __init__(self, uid, title, description, search_var=False):
        self.uid = uid
        self.title = title
        self.description = description
        self.search_var = search_var
        self.panels = []
        self.y = 0
        self.x = 0
        self.row_h = 0
        self.next_id = 1

    def row(self, title):
        self._newline()
        self.panels.append({"type": "row", "title": title, "id": self._id(), "collapsed": False,
                            "gridPos": {"x": 0, "y": self.y, "w": 24, "h": 1}, "panels": []})
        self.y += 1

    def _newline(self):
        if self.x > 0:
            self.y += self.row_h
            self.x = 0
            self.row_h = 0

    def _id(self):
        i = self.next_id
        self.next_id += 1
        return i

    def panel(self, kind, title, targets, w=12, h=8, unit=None, description="", decimals=None, stack=False,
              min0=False, legend_calcs=None):
        if self.x + w > 24:
            self._newline()
        refs = "ABCDEFGH"
        p = {
            "type": kind,
            "title": title,
            "description": description,
            "id": self._id(),
            "datasource": DS,
            "gridPos": {"x": self.x, "y": self.y, "w": w, "h": h},
            "targets": [dict({"datasource": DS, "refId": refs[i], "expr": t[0], "legendFormat": t[1]},
                             **({"instant": True, "range": False} if kind in ("stat", "bargauge", "table") else {}))
                        for i, t in enumerate(targets)],
            "fieldConfig": {"defaults": {}, "overrides": []},
            "options": {},
        }
        d = p["fieldConfig"]["defaults"]
        if unit:
            d["unit"] = unit
        if decimals is not None:
            d["decimals"] = decimals
        if min0:
            d["min"] = 0
        if kind == "timeseries":
            d["custom"] = {"drawStyle": "line", "lineWidth": 2, "fillOpacity": 10, "showPoints": "never",
                           "spanNulls": True, "stacking": {"mode": "normal" if stack else "none", "group": "A"}}
            p["options"] = {"legend": {"displayMode": "table" if legend_calcs else "list", "placement": "bottom",
                                       "calcs": legend_calcs or []},
                            "tooltip": {"mode": "multi", "sort": "desc"}}
        elif kind == "stat":
            p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                            "colorMode": "value", "graphMode": "none", "textMode": "auto", "justifyMode": "auto"}
        elif kind == "bargauge":
            p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                            "displayMode": "gradient", "orientation": "horizontal", "showUnfilled": True}
        self.panels.append(p)
        self.x += w
        self.row_h = max(self.row_h, h)
        if self.x >= 24:
            self._newline()

    def json(self):
        templating = []
        if self.search_var:
            templating.append({
                "name": "search", "label": "Search", "type": "query", "datasource": DS,
                "query": {"query": "label_values(nasflow_search_evaluations, search)", "refId": "search"},
                "definition": "label_values(nasflow_search_evaluations, search)",
                "refresh": 2, "includeAll": True, "multi": True, "allValue": ".*",
                "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
                "sort": 1, "hide": 0,
            })
        return {
            "uid": self.uid,
            "title": self.title,
            "description": self.description,
            "tags": ["nasflow"],
            "timezone": "browser",
            "editable": True,
            "graphTooltip": 1,
            "refresh": "10s",
            "schemaVersion": 39,
            "version": 1,
            "time": {"from": "now-1h", "to": "now"},
            "timepicker": {},
            "templating": {"list": templating},
            "annotations": {"list": []},
            "links": [{"title": "nasflow", "type": "dashboards", "tags": ["nasflow"], "asDropdown": True}],
            "panels": self.panels,
        }


S = '{search=~"$search"}'


def search_overview():
    b = Board("nasflow-search-overview", "nasflow / Search overview",
              "Searches: progress, best objective so far, candidates by outcome, training time saved by early "
              "stopping.", search_var=True)
    b.row("Progress")
    b.panel("stat", "Searches running", [("sum(max by (instance) (nasflow_searches_running))", "running")], w=4,
            description="Searches started and not yet completed, failed or cancelled (from the stopper).")
    b.panel("stat", "Candidates evaluated", [(f"sum(max by (search) (nasflow_search_evaluations{S}))", "evaluated")],
            w=4, description="Candidates finished (any outcome) in the selected searches.")
    b.panel("stat", "Candidates training now", [("sum(nasflow_candidates_training)", "training")], w=4)
    b.panel("stat", "Stopped early (range)",
            [('sum(increase(nasflow_candidates_finished_total{outcome="stopped_early"}[$__range]))', "stopped")],
            w=4, decimals=0)
    b.panel("stat", "Epochs saved (range)", [("sum(increase(nasflow_stopping_epochs_saved_total[$__range]))",
                                              "epochs")], w=4, decimals=0)
    b.panel("stat", "Generation", [(f"max(nasflow_search_generation{S})", "generation")], w=4)
    b.panel("timeseries", "Evaluations per search", [(f"max by (search) (nasflow_search_evaluations{S})",
                                                      "{{search}}")], min0=True,
            description="Candidates finished so far, per search.")
    b.panel("timeseries", "Best objective so far", [(f"max by (search, metric) (nasflow_search_best_objective{S})",
                                                     "{{search}} {{metric}}")], legend_calcs=["lastNotNull"],
            description="Best value of each search's primary objective, updated at every generation.")
    b.row("Candidates")
    b.panel("bargauge", "Candidates by outcome (range)",
            [("sum by (outcome) (increase(nasflow_candidates_finished_total[$__range]))", "{{outcome}}")],
            decimals=0, description="completed, stopped_early, failed, diverged, infeasible.")
    b.panel("timeseries", "Candidates finished per minute, by outcome",
            [("60 * sum by (outcome) (rate(nasflow_candidates_finished_total[$__rate_interval]))", "{{outcome}}"),
             ("60 * sum(rate(nasflow_candidates_started_total[$__rate_interval]))", "started")], stack=False,
            min0=True)
    b.row("Time saved by early stopping")
    b.panel("stat", "Training time saved (range)",
            [('sum by (clock) (increase(nasflow_stopping_time_saved_seconds_total[$__range]))', "{{clock}}")],
            w=8, unit="s",
            description="Epochs not trained × the stopped candidate's mean epoch time (wall), and simulated "
                        "seconds not spent (table trainer).")
    b.panel("stat", "Share of simulated training saved (range)",
            [('sum(increase(nasflow_stopping_time_saved_seconds_total{clock="simulated"}[$__range])) / '
              '(sum(increase(nasflow_training_simulated_seconds_total[$__range])) + '
              'sum(increase(nasflow_stopping_time_saved_seconds_total{clock="simulated"}[$__range])))', "saved")],
            w=8, unit="percentunit", decimals=1)
    b.panel("timeseries", "Time saved per minute",
            [("60 * sum by (clock) (rate(nasflow_stopping_time_saved_seconds_total[$__rate_interval]))",
              "{{clock}} s/min")], w=8, min0=True)
    return b


def training():
    b = Board("nasflow-training", "nasflow / Training",
              "Workers: epoch time, throughput, concurrency, and the JVMs they run in.")
    b.row("Epochs")
    b.panel("timeseries", "Epoch time (p50, p95, mean)",
            [("histogram_quantile(0.5, sum by (le) (rate(nasflow_training_epoch_duration_seconds_bucket"
              "[$__rate_interval])))", "p50"),
             ("histogram_quantile(0.95, sum by (le) (rate(nasflow_training_epoch_duration_seconds_bucket"
              "[$__rate_interval])))", "p95"),
             ("sum(rate(nasflow_training_epoch_duration_seconds_sum[$__rate_interval])) / "
              "sum(rate(nasflow_training_epoch_duration_seconds_count[$__rate_interval]))", "mean")],
            unit="s", description="Wall time of one training epoch, over all workers (p50/p95 from buckets).")
    b.panel("timeseries", "Throughput (epochs per second), per worker",
            [("sum by (instance) (rate(nasflow_training_epoch_duration_seconds_count[$__rate_interval]))",
              "{{instance}}")], stack=True, min0=True)
    b.panel("timeseries", "Simulated training seconds per second",
            [("sum(rate(nasflow_training_simulated_seconds_total[$__rate_interval]))", "simulated s/s")],
            min0=True, description="Table trainer: simulated GPU time trained per wall second (speed-up).")
    b.panel("timeseries", "Candidates training, per worker",
            [("sum by (instance) (nasflow_candidates_training)", "{{instance}}")], stack=True, min0=True)
    b.panel("timeseries", "Activity slots used / available",
            [('sum by (instance) (temporal_worker_task_slots_used{worker_type="ActivityWorker"})', "used {{instance}}"),
             ('sum by (instance) (temporal_worker_task_slots_available{worker_type="ActivityWorker"})',
              "available {{instance}}")], min0=True)
    b.panel("timeseries", "Longest epoch (max in the last step)",
            [("max by (instance) (nasflow_training_epoch_duration_seconds_max)", "{{instance}}")], unit="s")
    b.row("JVM and process")
    b.panel("timeseries", "Heap used", [('sum by (instance, role) (jvm_memory_used_bytes{area="heap"})',
                                         "{{role}} {{instance}}")], w=8, unit="bytes")
    b.panel("timeseries", "Process CPU", [("max by (instance, role) (process_cpu_usage)", "{{role}} {{instance}}")],
            w=8, unit="percentunit")
    b.panel("timeseries", "Live threads", [("max by (instance, role) (jvm_threads_live_threads)",
                                            "{{role}} {{instance}}")], w=8)
    return b


def streaming():
    b = Board("nasflow-streaming", "nasflow / Streaming",
              "Kafka: consumer lag of the stopper and surrogate, stop latency and decisions, surrogate quality, "
              "client throughput.", search_var=True)
    b.row("Consumer lag")
    b.panel("timeseries", "Consumer lag (committed), by group and topic",
            [("max by (group, topic) (nasflow_kafka_consumer_lag_records)", "{{group}} {{topic}}")], min0=True,
            description="End offset minus the group's committed offset, summed over partitions.")
    b.panel("timeseries", "Fetch lag (records-lag-max), by client",
            [("max by (client_id) (kafka_consumer_fetch_manager_records_lag_max)", "{{client_id}}")], min0=True,
            description="Kafka client metric: the largest lag of any partition the consumer reads.")
    b.row("Early stopping")
    b.panel("timeseries", "Stop latency (metric published → decision)",
            [("histogram_quantile(0.5, sum by (le) (rate(nasflow_stopping_latency_seconds_bucket"
              "[$__rate_interval])))", "p50"),
             ("histogram_quantile(0.95, sum by (le) (rate(nasflow_stopping_latency_seconds_bucket"
              "[$__rate_interval])))", "p95"),
             ("max(nasflow_stopping_latency_seconds_max)", "max")], unit="s")
    b.panel("timeseries", "Stop decisions per minute, by rule and answer",
            [("60 * sum by (rule, result) (rate(nasflow_stopping_decisions_total[$__rate_interval]))",
              "{{rule}} {{result}}")], stack=True, min0=True)
    b.panel("bargauge", "Stop decisions (range)",
            [("sum by (rule, result) (increase(nasflow_stopping_decisions_total[$__range]))", "{{rule}} {{result}}")],
            decimals=0)
    b.panel("stat", "Mean stop latency (range)",
            [("sum(increase(nasflow_stopping_latency_seconds_sum[$__range])) / "
              "sum(increase(nasflow_stopping_latency_seconds_count[$__range]))", "mean")], unit="s")
    b.row("Surrogate")
    b.panel("timeseries", "Surrogate Kendall τ (held-back)",
            [(f"max by (search) (nasflow_surrogate_kendall_tau{S})", "{{search}}")], decimals=2,
            description="Rank correlation of predictions with results the model did not train on: 1 = perfect.")
    b.panel("timeseries", "Surrogate RMSE (held-back)",
            [(f"max by (search) (nasflow_surrogate_rmse{S})", "{{search}}")], min0=True)
    b.panel("timeseries", "Surrogate retrains and predictions per minute",
            [("60 * sum(rate(nasflow_surrogate_retrains_total[$__rate_interval]))", "retrains"),
             ("60 * sum(rate(nasflow_surrogate_predictions_total[$__rate_interval]))", "predictions")], min0=True)
    b.row("Kafka clients")
    b.panel("timeseries", "Records produced per second, by client",
            [("sum by (client_id) (rate(kafka_producer_record_send_total[$__rate_interval]))", "{{client_id}}")],
            w=8, min0=True)
    b.panel("timeseries", "Records consumed per second, by client",
            [("sum by (client_id) (rate(kafka_consumer_fetch_manager_records_consumed_total[$__rate_interval]))",
              "{{client_id}}")], w=8, min0=True)
    b.panel("timeseries", "Produce request latency and errors",
            [("max by (client_id) (kafka_producer_request_latency_avg)", "latency ms {{client_id}}"),
             ("sum(rate(kafka_producer_record_error_total[$__rate_interval]))", "errors/s")], w=8)
    return b


def temporal():
    b = Board("nasflow-temporal", "nasflow / Temporal",
              "Temporal SDK metrics of the workers and clients: workflow and activity latencies, outcomes, "
              "requests.")

    def q(metric, quantile, by):
        return (f"histogram_quantile({quantile}, sum by (le, {by}) (rate({metric}_seconds_bucket"
                f"[$__rate_interval])))")

    b.row("Workflows")
    b.panel("timeseries", "Search workflow end-to-end latency (p50, p95)",
            [(q("temporal_workflow_endtoend_latency", 0.5, "workflow_type"), "p50 {{workflow_type}}"),
             (q("temporal_workflow_endtoend_latency", 0.95, "workflow_type"), "p95 {{workflow_type}}")], unit="s",
            description="From workflow start to completion (each run, continue-as-new starts a new one).")
    b.panel("bargauge", "Workflow runs (range)",
            [("sum by (workflow_type) (increase(temporal_workflow_completed_total[$__range]))", "completed"),
             ("sum(increase(temporal_workflow_continue_as_new_total[$__range])) or vector(0)", "continued as new"),
             ("sum(increase(temporal_workflow_failed_total[$__range])) or vector(0)", "failed")], decimals=0)
    b.panel("timeseries", "Workflow task latency (p95)",
            [(q("temporal_workflow_task_execution_latency", 0.95, "workflow_type"), "execution"),
             (q("temporal_workflow_task_schedule_to_start_latency", 0.95, "task_queue"), "schedule to start")],
            unit="s")
    b.panel("timeseries", "Local activity latency (p95): validation, search events",
            [(q("temporal_local_activity_execution_latency", 0.95, "activity_type"), "{{activity_type}}")], unit="s")
    b.row("Activities")
    b.panel("timeseries", "Activity execution latency (p50, p95)",
            [(q("temporal_activity_execution_latency", 0.5, "activity_type"), "p50 {{activity_type}}"),
             (q("temporal_activity_execution_latency", 0.95, "activity_type"), "p95 {{activity_type}}")], unit="s",
            description="Training a candidate is one activity: this is the candidate's training time.")
    b.panel("timeseries", "Activity schedule-to-start latency (p95)",
            [(q("temporal_activity_schedule_to_start_latency", 0.95, "activity_type"), "{{activity_type}}")],
            unit="s", description="Time a candidate waits for a free worker slot: grows when workers are short.")
    b.panel("timeseries", "Activity end-to-end latency (p95, succeeded)",
            [(q("temporal_activity_succeed_endtoend_latency", 0.95, "activity_type"), "{{activity_type}}")],
            unit="s")
    b.panel("timeseries", "Activity failures and cancellations per minute",
            [("60 * sum(rate(temporal_activity_execution_failed_total[$__rate_interval])) or vector(0)", "failed"),
             ("60 * sum(rate(temporal_activity_execution_cancelled_total[$__rate_interval])) or vector(0)",
              "cancelled")], min0=True)
    b.row("Requests and slots")
    b.panel("timeseries", "Requests per second, by operation",
            [("sum by (operation) (rate(temporal_request_total[$__rate_interval]))", "{{operation}}")], min0=True)
    b.panel("timeseries", "Request failures per second",
            [("sum by (operation, status_code) (rate(temporal_request_failure_total[$__rate_interval])) "
              "or vector(0)", "{{operation}} {{status_code}}")], min0=True)
    b.panel("timeseries", "Task slots available, by worker type",
            [("sum by (worker_type) (temporal_worker_task_slots_available)", "{{worker_type}}")], min0=True)
    return b


def main():
    for out in (OUT, CHART_OUT):
        os.makedirs(out, exist_ok=True)
    for name, board in [("search-overview", search_overview()), ("training", training()),
                        ("streaming", streaming()), ("temporal", temporal())]:
        for out in (OUT, CHART_OUT):
            path = os.path.join(out, name + ".json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(board.json(), f, indent=2, ensure_ascii=False)
                f.write("\n")
        print(os.path.join(OUT, name + ".json"), len(board.panels), "panels (and the chart's copy)")


if __name__ == "__main__":
    main()
