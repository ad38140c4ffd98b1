// ReportRecorder: follows a replay for the HTML report. Per event it reads only the metrics
// that event can change, and keeps each series to a bounded number of buckets (first, lowest,
// highest and last value of each), so a long log costs time per event and no memory per event.
// Transitions pin the exact values at their instant.
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "grammar/ast_walk.hpp"
#include "report/downsampler.hpp"
#include "report/report.hpp"
#include "run/inspect.hpp"  // metric_named, is_fixed
#include "run/render.hpp"

namespace proviso {

namespace {

struct ThresholdTrack {
  std::uint32_t metric = 0;
  std::uint32_t clause = 0;
  const Program* program = nullptr;  // the program the target is compiled in
  const ast::Expr* target = nullptr;
  std::string symbol;
  ThresholdSeries series;
};

struct MetricTrack {
  std::string unit;
  bool per_share = false;  // `USD per share`: `unit` is USD, the label says per share
  double scale = 1;        // base units per `unit`
  bool charted = false;
  Downsampler samples;
  std::optional<double> last;
  std::optional<double> initial;
  std::vector<ChartMarker> markers;
  std::uint64_t markers_omitted = 0;
};

// A base-unit number read from a typed value: a quantity's base amount or a plain number.
std::optional<Decimal> base_number(const std::optional<Value>& value) {
  if (!value) return std::nullopt;
  if (const auto* quantity = std::get_if<Quantity>(&*value)) return quantity->base_amount;
  if (const auto* number = std::get_if<Decimal>(&*value)) return *number;
  return std::nullopt;
}

struct ContractTrack {
  std::size_t index = 0;  // in the engine
  const ContractPlan* plan = nullptr;
  const CheckedContract* checked = nullptr;
  std::vector<MetricTrack> metrics;
  std::vector<ThresholdTrack> thresholds;
  std::map<std::string, std::uint32_t> clause_index;
  // By clause: the metrics each stage's condition names (holds while: one entry).
  std::vector<std::vector<std::vector<std::uint32_t>>> stage_metrics;
  Decimal split_factor = Decimal::from_int(1);
  std::map<std::string, std::pair<std::string, std::vector<SeriesPoint>>> totals;  // by dimension
  std::vector<Transition> transitions;
  std::uint64_t transitions_total = 0;
  // By clause and period: what its condition read when the period closed.
  std::map<std::pair<std::string, std::string>, std::string> period_values;
};

// Contract statuses are listed by title and instance; this keys them.
std::string contract_key(const std::string& title, const std::string& instance) {
  return title + '\x1f' + instance;
}

}  // namespace

struct ReportRecorder::State : EngineListener {
  Engine& engine;
  std::size_t max_points;
  std::vector<ContractTrack> contracts;
  std::uint64_t events = 0;
  std::optional<std::int64_t> start;
  // The last transition of each clause (of each instance) into each state, for the explanations.
  std::map<std::tuple<std::string, std::string, std::string, std::string>, Transition> last;

  State(Engine& e, std::size_t points) : engine(e), max_points(points) {}

  void note_time(std::int64_t micros) {
    if (!start || micros < *start) start = micros;
  }

  std::optional<double> read(ContractTrack& track, std::uint32_t m) {
    try {
      const auto number = base_number(engine.metric_value(track.index, m));
      if (!number) return std::nullopt;
      return number->to_double() / track.metrics[m].scale;
    } catch (const RuntimeError&) {
      return std::nullopt;  // a derived metric that cannot be computed now has no point
    }
  }

  void add_threshold(ContractTrack& track, std::uint32_t clause, std::uint32_t metric,
                     const Program& program, const ast::Expr& target, ast::BinaryOp op) {
    ThresholdTrack threshold;
    threshold.metric = metric;
    threshold.clause = clause;
    threshold.program = &program;
    threshold.target = &target;
    threshold.symbol = comparison_symbol(op);
    threshold.series.clause = track.plan->clauses[clause].name;
    track.thresholds.push_back(std::move(threshold));
  }

  // Comparisons of a metric with a fixed amount, looking inside day windows.
  void find_thresholds(ContractTrack& track, std::uint32_t clause, const Program& program,
                       const ast::Expr& expr) {
    const ContractPlan& plan = *track.plan;
    const CheckedContract& checked = *track.checked;
    if (const auto* binary = std::get_if<ast::Binary>(&expr.node);
        binary && !comparison_symbol(binary->op).empty()) {
      const auto lhs = metric_named(plan, *binary->lhs);
      const auto rhs = metric_named(plan, *binary->rhs);
      if (lhs && is_fixed(*binary->rhs, checked)) {
        add_threshold(track, clause, *lhs, program, *binary->rhs, binary->op);
      } else if (rhs && is_fixed(*binary->lhs, checked)) {
        add_threshold(track, clause, *rhs, program, *binary->lhs, flipped(binary->op));
      }
      return;
    }
    if (const auto* band = std::get_if<ast::Band>(&expr.node)) {
      const auto m = metric_named(plan, *band->value);
      if (m && is_fixed(*band->low, checked) && is_fixed(*band->high, checked)) {
        add_threshold(track, clause, *m, program, *band->low, ast::BinaryOp::greater_equal);
        add_threshold(track, clause, *m, program, *band->high,
                      band->high_excluded ? ast::BinaryOp::less : ast::BinaryOp::less_equal);
      }
      return;
    }
    if (std::holds_alternative<ast::AtLeastOfLast>(expr.node) ||
        std::holds_alternative<ast::Consecutive>(expr.node)) {
      for (const Step& step : program.steps) {
        if (step.op != Op::window || step.node != expr.id) continue;
        const Program& inner = plan.windows[step.a].condition;
        if (inner.source) find_thresholds(track, clause, inner, *inner.source);
      }
      return;
    }
    ast::for_each_child(
        expr, [&](const ast::Expr& child) { find_thresholds(track, clause, program, child); });
  }

  static void metrics_named(const ContractPlan& plan, const ast::Expr& expr,
                            std::vector<std::uint32_t>& out) {
    if (const auto m = metric_named(plan, expr)) {
      if (std::find(out.begin(), out.end(), *m) == out.end()) out.push_back(*m);
    }
    ast::for_each_child(expr, [&](const ast::Expr& child) { metrics_named(plan, child, out); });
  }

  void setup(std::size_t index) {
    ContractTrack track;
    track.index = index;
    track.plan = &engine.plan(index);
    track.checked = &engine.contract(index).checked;
    const ContractPlan& plan = *track.plan;
    const CheckedContract& checked = *track.checked;
    for (std::uint32_t c = 0; c < plan.clauses.size(); ++c) {
      const ClausePlan& clause = plan.clauses[c];
      track.clause_index[clause.name] = c;
      std::vector<std::vector<std::uint32_t>> stages;
      auto scan = [&](const Program& program) {
        stages.emplace_back();
        if (!program.source) return;
        metrics_named(plan, *program.source, stages.back());
        find_thresholds(track, c, program, *program.source);
      };
      if (clause.holds_while) scan(*clause.holds_while);
      for (const Program& stage : clause.stages) scan(stage);
      track.stage_metrics.push_back(std::move(stages));
      if (clause.grant) {
        std::vector<const Type*> types{&clause.grant->amount.type};
        if (clause.grant->cash_price) types.push_back(&clause.grant->cash_type);
        for (const Type* type : types) {
          const std::string dimension = type->is(Kind::quantity) ? type->dimension : "";
          if (!track.totals.count(dimension)) track.totals[dimension] = {type->unit, {}};
        }
      }
    }
    // Each metric is drawn in the unit its targets are written in, else its own.
    for (std::uint32_t m = 0; m < plan.metrics.size(); ++m) {
      const MetricPlan& metric = plan.metrics[m];
      MetricTrack chart{{}, false, 1, metric.type.is_numeric(), Downsampler(max_points / 4),
                        {}, {},    {}};
      chart.unit = metric.type.unit;
      chart.per_share = metric.type.per_share;
      for (const ThresholdTrack& threshold : track.thresholds) {
        const Type& type = plan.types.at(threshold.target->id);
        if (threshold.metric == m && type.is(Kind::quantity)) {
          chart.unit = type.unit;
          chart.per_share = type.per_share;
          break;
        }
      }
      if (const auto unit = checked.units.find(chart.unit); unit != checked.units.end()) {
        chart.scale = unit->second.scale.to_double();
      } else {
        chart.unit.clear();
      }
      track.metrics.push_back(std::move(chart));
    }
    contracts.push_back(std::move(track));
    ContractTrack& added = contracts.back();
    for (std::uint32_t m = 0; m < plan.metrics.size(); ++m) {
      if (added.metrics[m].charted) added.metrics[m].initial = read(added, m);
    }
    update_thresholds(added, INT64_MIN);
  }

  void update_thresholds(ContractTrack& track, std::int64_t micros) {
    for (ThresholdTrack& threshold : track.thresholds) {
      const auto target =
          base_number(engine.value_in(track.index, *threshold.program, *threshold.target));
      if (!target) continue;
      const MetricTrack& metric = track.metrics[threshold.metric];
      const double y = target->to_double() / metric.scale;
      auto& steps = threshold.series.steps;
      if (!steps.empty() && steps.back().value == y) continue;
      steps.push_back({micros, y});
      threshold.series.label =
          fmt::format("{} {} {}{}", threshold.series.clause, threshold.symbol,
                      render_amount(*target, metric.unit, track.checked->units),
                      metric.per_share ? " per share" : "");
    }
  }

  void update_totals(ContractTrack& track, std::int64_t micros) {
    const auto& units = track.checked->units;
    for (auto& [dimension, total] : track.totals) {
      const auto unit = units.find(total.first);
      const double scale = unit == units.end() ? 1 : unit->second.scale.to_double();
      const double y = engine.granted_total(track.index, dimension).to_double() / scale;
      if (!total.second.empty() && total.second.back().value == y) continue;
      if (total.second.size() >= 4 * max_points) total.second.pop_back();  // keep it bounded
      total.second.push_back({micros, y});
    }
  }

  void on_transition(const Transition& transition) override {
    last.insert_or_assign(
        {transition.contract, transition.instance, transition.clause, transition.to.name},
        transition);
    note_time(transition.ts.micros);
    if (!transition.instance.empty()) {
      // An instance is found by its key, not by a scan of thousands of instances.
      if (const auto index = engine.instance_index(transition.instance)) {
        record(contracts[*index], transition);
      }
      return;
    }
    for (ContractTrack& track : contracts) {
      if (track.plan->title == transition.contract && engine.instance_name(track.index).empty()) {
        record(track, transition);
      }
    }
  }

  void record(ContractTrack& track, const Transition& transition) {
    {
      const auto found = track.clause_index.find(transition.clause);
      if (found == track.clause_index.end()) return;
      const std::uint32_t c = found->second;
      ++track.transitions_total;
      if (track.transitions.size() < kMaxTimeline) track.transitions.push_back(transition);
      if (!transition.period.empty()) {
        std::string values;
        for (const auto& value : transition.values) {
          values += fmt::format("{}{}", values.empty() ? "" : "; ", render_deciding(value));
        }
        track.period_values[{transition.clause, transition.period}] = std::move(values);
      }
      // The condition that decided it: the stage reached, the one missed, or the level.
      const ClausePlan& plan = track.plan->clauses[c];
      const std::size_t to = transition.to.index;
      std::size_t slot = 0;
      if (!plan.holds_while) {
        // A lapse is shown with the stage it did not reach: the one after where it was.
        slot = transition.to.name == "lapsed" ? transition.from.index : to - 1;
        if (slot >= plan.stages.size()) slot = plan.stages.size() - 1;
      }
      std::string details;
      for (const auto& value : transition.values) {
        details += fmt::format("; {}", render_deciding(value));
      }
      if (slot < track.stage_metrics[c].size()) {
        for (std::uint32_t m : track.stage_metrics[c][slot]) {
          MetricTrack& metric = track.metrics[m];
          if (!metric.charted) continue;
          const auto y = read(track, m);
          if (!y) continue;
          // A level clause that flips all the time would pin every point: past a chart's worth
          // of markers, changes are counted, and the line is sampled as usual.
          if (metric.markers.size() >= max_points) {
            ++metric.markers_omitted;
            continue;
          }
          metric.samples.pin(transition.ts.micros, *y);
          metric.markers.push_back(
              {transition.ts.micros, *y, transition.clause, transition.to.name, details});
        }
      }
      update_totals(track, transition.ts.micros);
    }
  }

  // The engine names the metrics each event moved; only those are read.
  void on_event(const Event& event, const std::vector<MetricChanges>& changed) override {
    ++events;
    note_time(event.ts.micros);
    for (const MetricChanges& change : changed) {
      ContractTrack& track = contracts[change.contract];
      for (std::uint32_t m : change.metrics) {
        MetricTrack& metric = track.metrics[m];
        if (!metric.charted) continue;
        const auto y = read(track, m);
        if (!y || (metric.last && *metric.last == *y)) continue;
        metric.last = y;
        metric.samples.add(event.ts.micros, *y);
      }
    }
    for (ContractTrack& track : contracts) {
      if (!track.plan->splits) continue;
      if (const Decimal factor = engine.split_factor(track.index);
          !(factor == track.split_factor)) {
        track.split_factor = factor;
        update_thresholds(track, event.ts.micros);
        update_totals(track, event.ts.micros);
      }
    }
  }
};

ReportRecorder::ReportRecorder(Engine& engine, std::size_t max_points)
    : state_(std::make_unique<State>(engine, max_points)) {
  for (std::size_t i = 0; i < engine.contract_count(); ++i) state_->setup(i);
  engine.add_listener(*state_);
}

ReportRecorder::~ReportRecorder() {
  state_->engine.remove_listener(*state_);
}

ReportData ReportRecorder::finish() {
  State& s = *state_;
  ReportData data;
  data.events = s.events;
  const std::optional<Timestamp> end = s.engine.now();
  if (s.start) data.start = Timestamp{*s.start};
  data.end = end;
  const std::int64_t first = s.start.value_or(end ? end->micros : 0);
  const std::int64_t last = end ? end->micros : first;
  std::vector<Transition> history;
  for (const auto& [key, transition] : s.last) history.push_back(transition);
  std::sort(history.begin(), history.end(),
            [](const Transition& a, const Transition& b) { return a.ts < b.ts; });
  // By contract, so that a portfolio of N instances is not N × N.
  std::map<std::string, std::vector<ClauseStatus>> statuses;
  for (ClauseStatus& status : s.engine.clause_states()) {
    auto& list = statuses[contract_key(status.contract, status.instance)];
    list.push_back(std::move(status));
  }
  std::map<std::string, std::vector<MetricStatus>> values;
  for (MetricStatus& value : s.engine.metric_values()) {
    values[contract_key(value.contract, value.instance)].push_back(std::move(value));
  }

  for (std::size_t index = 0; index < s.contracts.size(); ++index) {
    ContractTrack& track = s.contracts[index];
    const ContractPlan& plan = *track.plan;
    const LoadedContract& loaded = s.engine.contract(index);
    ContractReport report;
    report.title = plan.title;
    report.instance = s.engine.instance_name(index);
    const std::string key = contract_key(plan.title, report.instance);
    if (const auto& header = loaded.file->header; header && header->source) {
      report.source = header->source->value;
    }
    report.timezone = plan.timezone;
    report.calendar = plan.calendar;
    report.effective = plan.effective;
    report.expires = plan.expires;

    for (const ClauseStatus& status : statuses[key]) {
      const ClausePlan& clause = plan.clauses[track.clause_index.at(status.clause)];
      const ast::ClauseDecl& decl = *clause.instance->decl;
      ClauseRow row;
      row.name = status.clause;
      row.kind = decl.kind.text;
      if (decl.title) row.title = decl.title->value;
      row.state = status.state;
      row.since = status.since;
      row.grant = status.grant;
      for (const auto& citation : decl.citations) row.citations.push_back(citation.value);
      const std::string first_state = clause.holds_while ? "holding"
                                      : clause.instance->states.size() > 1
                                          ? clause.instance->states[1]
                                          : std::string();
      row.first_state = first_state;
      for (const auto& [state, at] : status.entered) {
        if (state == first_state) row.first_met = at;
      }
      report.clauses.push_back(std::move(row));
      const bool finished = status.state == "lapsed" ||
                            (clause.holds_while ? status.state == name(Level::holding)
                                                : status.state_index >= clause.stages.size());
      if (!finished) report.pending.push_back(s.engine.explain(status.clause, index, history));
      if (clause.period_test) {
        // The table by period is explain's (one place computes it), with the values the
        // condition read at each period's end from the timeline.
        const Explanation explained = s.engine.explain(status.clause, index, history);
        PeriodTable table{status.clause, explained.per_period, {}};
        for (const ExplainedPeriod& period : explained.periods) {
          const auto read = track.period_values.find({status.clause, period.period});
          table.rows.push_back({period.period, period.outcome, period.end,
                                read == track.period_values.end() ? "" : read->second,
                                period.granted, period.paid});
        }
        report.periods.push_back(std::move(table));
      }
    }

    for (std::uint32_t m = 0; m < plan.metrics.size(); ++m) {
      MetricTrack& metric = track.metrics[m];
      MetricReport out;
      out.name = plan.metrics[m].name;
      out.unit = metric.unit;
      out.per_share = metric.per_share && !metric.unit.empty();
      out.charted = metric.charted;
      out.counts = plan.metrics[m].fn == ast::AggregateFn::count && !plan.metrics[m].derived;
      for (const MetricStatus& value : values[key]) {
        if (value.metric == out.name) out.latest = value.value;
      }
      if (metric.charted && !metric.unit.empty() && metric.unit != plan.metrics[m].type.unit) {
        // In the unit the chart is drawn in.
        try {
          const auto value = s.engine.metric_value(index, m);
          if (const Quantity* quantity = value ? std::get_if<Quantity>(&*value) : nullptr) {
            out.latest = render_in_unit(*quantity, metric.unit, loaded.checked);
          }
        } catch (const RuntimeError&) {
          // metric_values() said why it cannot be computed
        }
      }
      if (metric.charted) {
        if (metric.initial) out.points.push_back({first, *metric.initial});
        for (const SeriesPoint& point : metric.samples.points()) out.points.push_back(point);
        if (const auto now = s.read(track, m)) out.points.push_back({last, *now});
        out.markers = std::move(metric.markers);
        out.markers_omitted = metric.markers_omitted;
        for (ThresholdTrack& threshold : track.thresholds) {
          if (threshold.metric != m || threshold.series.steps.empty()) continue;
          ThresholdSeries series = threshold.series;
          for (SeriesPoint& step : series.steps) step.micros = std::max(step.micros, first);
          series.steps.push_back({last, series.steps.back().value});
          out.thresholds.push_back(std::move(series));
        }
      }
      report.metrics.push_back(std::move(out));
    }

    s.update_totals(track, last);
    for (auto& [dimension, total] : track.totals) {
      TotalReport out;
      out.unit = total.first;
      if (total.second.empty() || total.second.front().micros > first) {
        out.steps.push_back({first, 0});
      }
      for (const SeriesPoint& step : total.second) out.steps.push_back(step);
      out.steps.push_back({last, out.steps.back().value});
      out.latest = render_amount(s.engine.granted_total(index, dimension), total.first,
                                 loaded.checked.units);
      report.totals.push_back(std::move(out));
    }
    report.paid = s.engine.paid_totals(index);
    report.transitions = track.transitions;
    report.transitions_total = track.transitions_total;
    data.contracts.push_back(std::move(report));
  }
  return data;
}

}  // namespace proviso
