// The HTML report of a replay (docs/report.md): a recorder that follows the engine while logs
// replay, keeping every metric as a series sampled to a bounded number of points (every
// transition's instant kept exact), and the renderer of one self-contained HTML file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "explain/explain.hpp"
#include "run/engine.hpp"

namespace proviso {

/// One point of a series: an instant and a value in the series' unit (for drawing only).
struct SeriesPoint {
  std::int64_t micros = 0;
  double value = 0;
};

/// A fixed target of a clause on a metric (`amd_close >= target` for A[3]); a step series,
/// since splits move adjusted targets.
struct ThresholdSeries {
  std::string clause;
  std::string label;  // "A[3] ≥ 300 USD" (the latest value)
  std::vector<SeriesPoint> steps;
};

/// A clause's change of state, drawn on the metrics its condition reads.
struct ChartMarker {
  std::int64_t micros = 0;
  double value = 0;
  std::string clause;
  std::string to;       // the state it entered
  std::string details;  // the deciding values, for the tooltip
};

struct MetricReport {
  std::string name;
  std::string unit;        // the unit values are drawn in ("GW"), empty for plain numbers
  bool per_share = false;  // a price per share: the axis reads "USD per share"
  std::string latest;      // the value at the end, as the engine shows it
  bool charted = false;    // numbers and amounts are charted; text, times and flags are not
  bool counts = false;     // a count of events: whole numbers
  std::vector<SeriesPoint> points;
  std::vector<ThresholdSeries> thresholds;
  std::vector<ChartMarker> markers;
  std::uint64_t markers_omitted = 0;  // changes past the most markers a chart keeps
};

/// The total a contract's met clauses grant in one unit, over time.
struct TotalReport {
  std::string unit;    // "shares", "USD"
  std::string latest;  // "320,000,000 shares"
  std::vector<SeriesPoint> steps;
};

struct ClauseRow {
  std::string name;
  std::string kind;  // tranche, clause, covenant
  std::string title;
  std::string state;
  std::optional<Timestamp> since;
  std::string first_state;             // the state its first stage reaches ("vested")
  std::optional<Timestamp> first_met;  // when it reached it
  std::string grant;
  std::vector<std::string> citations;
};

/// One period's outcome of a clause tested per period, as explain lists it (Explanation::periods),
/// with the values its condition read when the period closed.
struct PeriodRow {
  std::string period;   // "2026-03"
  std::string outcome;  // met, missed or unknown
  Timestamp end;        // the period's end, when its outcome was decided
  std::string values;   // "avail = 94.2% (≥ 95%)"; empty when the timeline did not keep it
  std::string granted;  // what a met period granted, or empty
  std::string paid;     // what a missed period paid (`pays … for each missed`), or empty
};

/// The table by period of a clause tested per period (`requires C in each calendar month`).
struct PeriodTable {
  std::string clause;
  std::string per_period;  // "calendar month"
  std::vector<PeriodRow> rows;
};

struct ContractReport {
  std::string title;
  std::string instance;  // a template's instance ("N0042"); empty for a plain contract
  std::string source;
  std::string timezone;
  std::string calendar;
  std::optional<Timestamp> effective;
  std::optional<Timestamp> expires;
  std::vector<ClauseRow> clauses;
  std::vector<MetricReport> metrics;
  std::vector<TotalReport> totals;
  std::vector<std::string> paid;        // paid for missed periods, one total per dimension
  std::vector<Explanation> pending;     // every clause not finished, explained
  std::vector<PeriodTable> periods;     // every clause tested per period
  std::vector<Transition> transitions;  // the first kMaxTimeline
  std::uint64_t transitions_total = 0;
};

/// Everything the HTML shows.
struct ReportData {
  std::vector<std::string> contract_files;
  std::vector<std::string> log_files;
  std::uint64_t events = 0;
  std::optional<Timestamp> start;  // the first event or transition
  std::optional<Timestamp> end;    // the engine's clock at the end
  std::vector<ContractReport> contracts;
};

/// How many transitions the timeline table lists.
inline constexpr std::size_t kMaxTimeline = 1000;

/// Follows an engine through a replay, as one of its listeners. Construct it after loading
/// the contracts and before feeding events, and call finish() at the end. Memory is bounded by the
/// number of transitions and `max_points`, not by the log's length.
class ReportRecorder {
 public:
  /// `max_points`: the most points a metric's series keeps, besides transitions' instants.
  explicit ReportRecorder(Engine& engine, std::size_t max_points = 1000);
  ~ReportRecorder();
  ReportRecorder(const ReportRecorder&) = delete;
  ReportRecorder& operator=(const ReportRecorder&) = delete;

  /// The report's data at the engine's current time.
  ReportData finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// The most points each instance's charts keep in a portfolio (a template's instances): a
/// portfolio of 10,000 instances stays a file a browser opens (docs/report.md).
inline constexpr std::size_t kInstancePoints = 80;

/// The report as one self-contained HTML file (inline CSS and SVG, no fonts or links). A
/// single contract's report has no scripts; a portfolio's summary table has one small inline
/// script that sorts and filters it (the file reads the same without it). The same data gives
/// the same bytes.
std::string render_report_html(const ReportData& data);

}  // namespace proviso
