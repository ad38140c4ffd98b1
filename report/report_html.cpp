// The HTML of the report: one file, its stylesheet (report/report.css) inline, charts as inline
// SVG, no scripts, fonts or links to fetch; laid out for a laptop screen and for print
// (docs/report.md).
#include <fmt/format.h>

#include "report/portfolio_html.hpp"
#include "report/report.hpp"
#include "report/report_css.hpp"
#include "report/svg_chart.hpp"
#include "run/render.hpp"

namespace proviso {

namespace {

const std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Ticks at day, month or year boundaries of the contract's zone, about six of them.
std::vector<ChartTick> time_ticks(std::int64_t from, std::int64_t to, const TimeZone& zone) {
  std::vector<ChartTick> ticks;
  const double span_days = static_cast<double>(to - from) / kMicrosPerDay;
  const CivilDate first = civil(zone.local_date(Timestamp{from}));
  auto add = [&](Date day, std::string label) {
    const std::int64_t at = zone.start_of_day(day).micros;
    if (at >= from && at <= to) {
      ticks.push_back({static_cast<double>(at) / kMicrosPerSecond, std::move(label)});
    }
  };
  if (span_days <= 45) {
    const int step = span_days <= 8 ? 1 : span_days <= 20 ? 3 : 7;
    const Date start = zone.local_date(Timestamp{from});
    for (std::int32_t d = start.days; d <= start.days + static_cast<int>(span_days) + 1;
         d += step) {
      const CivilDate day = civil(Date{d});
      add(Date{d}, fmt::format("{} {}", day.day, kMonths[day.month - 1]));
    }
    return ticks;
  }
  const int months = span_days <= 200 ? 1 : span_days <= 550 ? 3 : span_days <= 1100 ? 6 : 12;
  const int years_step = span_days <= 2600 ? 1 : span_days <= 5500 ? 2 : 5;
  // Every month from the first one shown; those on the step's boundaries get a tick.
  const int last = first.year * 12 + 12 * static_cast<int>(span_days / 365 + 2);
  for (int month = first.year * 12 + first.month - 1; month <= last; ++month) {
    const int year = month / 12;
    const int in_year = month % 12;
    if (in_year % months != 0) continue;
    if (months == 12 && year % years_step != 0) continue;
    const auto day = make_date(year, in_year + 1, 1);
    if (!day) continue;
    add(*day,
        months == 12 ? fmt::format("{}", year) : fmt::format("{} {}", kMonths[in_year], year));
  }
  return ticks;
}

std::string badge(std::string_view state) {
  return state_badge(state);
}

std::string mark(Truth truth) {
  switch (truth) {
    case Truth::met:
      return "<span class=\"mark met\" title=\"met\">✓</span>";
    case Truth::not_met:
      return "<span class=\"mark not-met\" title=\"not met\">✗</span>";
    case Truth::unknown:
      return "<span class=\"mark unknown\" title=\"unknown\">?</span>";
  }
  return "";
}

void tree_html(const ExplainedCondition& node, std::string& out) {
  out += fmt::format(
      "<li>{}{}{}", mark(node.truth), html_escape(node.summary),
      node.note.empty() ? ""
                        : fmt::format(" <span class=\"note\">— {}</span>", html_escape(node.note)));
  if (!node.parts.empty()) {
    out += "<ul>";
    for (const auto& part : node.parts) tree_html(part, out);
    out += "</ul>";
  }
  out += "</li>";
}

std::string cause_words(const Transition::Cause& cause) {
  switch (cause.kind) {
    case CauseKind::event:
      return cause.file.empty() ? "an event" : fmt::format("{}:{}", cause.file, cause.line);
    case CauseKind::clock:
      return "time passing";
    case CauseKind::deadline:
    case CauseKind::effective:
    case CauseKind::expiry:
    case CauseKind::period_end:
      break;
  }
  return std::string(name(cause.kind));
}

std::string values_words(const Transition& transition) {
  std::string out;
  for (const auto& value : transition.values) {
    out += fmt::format("{}{}", out.empty() ? "" : "; ", render_deciding(value));
  }
  return out;
}

std::string explanation_html(const Explanation& e, const TimeZone& zone, const std::string& id) {
  std::string out = fmt::format(
      "<article class=\"explain\" id=\"{}explain-{}\"><h3>{} {}{}</h3>", id, html_escape(e.clause),
      html_escape(e.clause), badge(e.state),
      e.title.empty() ? "" : fmt::format(" <span class=\"note\">{}</span>", html_escape(e.title)));
  out += "<ul class=\"tree\">";
  for (const auto& prerequisite : e.prerequisites) tree_html(prerequisite, out);
  const std::string* unreached = nullptr;
  for (const auto& stage : e.stages) {
    if (stage.verb == "holds while") {
      out += fmt::format("<li>{}<strong>{}</strong>; holds while:<ul>", mark(stage.condition.truth),
                         html_escape(e.state));
      tree_html(stage.condition, out);
      out += "</ul></li>";
      continue;
    }
    if (stage.reached) {
      out += fmt::format(
          "<li>{}<strong>{}</strong>{}{}</li>", mark(Truth::met), html_escape(stage.state),
          stage.reached_at ? " at " + html_escape(local_time(*stage.reached_at, zone)) : "",
          stage.reached_by ? fmt::format(" <span class=\"then\">({})</span>",
                                         html_escape(values_words(*stage.reached_by)))
                           : "");
      continue;
    }
    const std::string why = e.state == "lapsed" ? "not reached before it lapsed"
                            : unreached         ? "not yet, comes after " + *unreached
                                                : "not yet";
    out += fmt::format("<li>{}<strong>{}</strong>: {}; {} when:<ul>", mark(Truth::not_met),
                       html_escape(stage.state), html_escape(why), html_escape(stage.verb));
    tree_html(stage.condition, out);
    out += "</ul></li>";
    if (!unreached) unreached = &stage.state;
  }
  out += "</ul>";
  for (const auto& deadline : e.deadlines) {
    std::string summary = deadline.summary;
    summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(summary[0])));
    out += fmt::format("<p class=\"deadline\">{}</p>", html_escape(summary));
  }
  return out + "</article>\n";
}

double seconds(std::int64_t micros) {
  return static_cast<double>(micros) / kMicrosPerSecond;
}

std::vector<ChartXY> xy(const std::vector<SeriesPoint>& points) {
  std::vector<ChartXY> out;
  out.reserve(points.size());
  for (const auto& point : points) out.push_back({seconds(point.micros), point.value});
  return out;
}

class Writer {
 public:
  Writer(const ReportData& data) : data_(data) {}

  std::string html() {
    const std::string title =
        data_.contracts.empty() ? "Proviso report" : data_.contracts.front().title;
    out_ += fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>{} — Proviso report</title>\n<style>\n{}</style>\n</head>\n<body>\n<main>\n",
        html_escape(title), report_css());
    // A template's instances (consecutive, as loaded) make one portfolio; a plain contract its
    // own section.
    for (std::size_t i = 0; i < data_.contracts.size();) {
      const ContractReport& contract = data_.contracts[i];
      if (contract.instance.empty()) {
        write_contract(contract);
        ++i;
        continue;
      }
      std::vector<const ContractReport*> instances;
      for (; i < data_.contracts.size() && !data_.contracts[i].instance.empty() &&
             data_.contracts[i].title == contract.title;
           ++i) {
        instances.push_back(&data_.contracts[i]);
      }
      write_portfolio(instances);
    }
    out_ += fmt::format(
        "<footer>Generated by <code>proviso report</code> from {} and {}: {} event{} replayed. "
        "Times are in each contract's time zone.</footer>\n</main>\n</body>\n</html>\n",
        join_files(data_.contract_files),
        data_.log_files.empty() ? "no log" : join_files(data_.log_files),
        Decimal::from_int(static_cast<std::int64_t>(data_.events)).to_grouped_string(),
        data_.events == 1 ? "" : "s");
    return out_;
  }

 private:
  const ReportData& data_;
  std::string out_;
  std::string id_;  // the prefix of element ids: an instance's "N0042-", else empty

  void write_portfolio(const std::vector<const ContractReport*>& instances) {
    const ContractReport& first = *instances.front();
    const TimeZone zone = TimeZone::find(first.timezone).value_or(*TimeZone::find("UTC"));
    PortfolioFacts facts{data_.end, data_.events};
    out_ += portfolio_summary_html(instances, facts, zone);
    out_ += "<section id=\"instances\" class=\"instances\">\n<h2>Instances with changes</h2>\n";
    std::size_t quiet = 0;
    for (const ContractReport* instance : instances) {
      // An instance whose clauses never changed state is all in its summary row; details only
      // for the others keep a portfolio of thousands a file a browser opens.
      if (instance->transitions_total == 0) {
        ++quiet;
        continue;
      }
      id_ = instance_id(instance->instance) + "-";
      out_ += fmt::format(
          "<details class=\"instance\" id=\"instance-{}\" data-instance=\"{}\"><summary>"
          "<strong>{}</strong> {}</summary>\n",
          instance_id(instance->instance), html_escape(instance->instance),
          html_escape(instance->instance), instance_badges(*instance));
      write_body(*instance, zone);
      out_ += "</details>\n";
    }
    id_.clear();
    if (quiet > 0) {
      out_ += fmt::format(
          "<p class=\"empty\">{} instance{} had no change of state; {} row{} above show{} where "
          "{} stand{}.</p>\n",
          quiet, quiet == 1 ? "" : "s", quiet == 1 ? "its" : "their", quiet == 1 ? "" : "s",
          quiet == 1 ? "s" : "", quiet == 1 ? "it" : "they", quiet == 1 ? "s" : "");
    }
    out_ += "</section>\n";
  }

  static std::string join_files(const std::vector<std::string>& files) {
    std::string out;
    for (const auto& file : files) {
      out += fmt::format("{}<code>{}</code>", out.empty() ? "" : ", ", html_escape(file));
    }
    return out;
  }

  static std::string when(const std::optional<Timestamp>& at, const TimeZone& zone) {
    return at ? html_escape(local_time(*at, zone)) : "—";
  }

  void write_contract(const ContractReport& c) {
    const TimeZone zone = TimeZone::find(c.timezone).value_or(*TimeZone::find("UTC"));
    out_ += "<header class=\"contract-header\">\n<p class=\"eyebrow\">Proviso report</p>\n";
    out_ += fmt::format("<h1>{}</h1>\n", html_escape(c.title));
    if (!c.source.empty()) {
      out_ += fmt::format("<p class=\"source\">Source: {}</p>\n", html_escape(c.source));
    }
    out_ += "<dl class=\"facts\">";
    auto fact = [&](std::string_view term, const std::string& value) {
      out_ += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>", term, value);
    };
    fact("As of", when(data_.end, zone));
    fact("Time zone", html_escape(c.timezone));
    if (!c.calendar.empty()) fact("Trading calendar", html_escape(c.calendar));
    if (c.effective) fact("Effective", when(c.effective, zone));
    if (c.expires) fact("Expires", when(c.expires, zone));
    fact("Events replayed",
         Decimal::from_int(static_cast<std::int64_t>(data_.events)).to_grouped_string());
    out_ += "</dl>\n</header>\n";

    std::size_t met = 0;
    std::size_t pending = 0;
    std::size_t lapsed = 0;
    for (const ClauseRow& row : c.clauses) {
      met += row.state != "pending" && row.state != "lapsed" && row.state != "breached" ? 1 : 0;
      pending += row.state == "pending" ? 1 : 0;
      lapsed += row.state == "lapsed" ? 1 : 0;
    }
    out_ += "<div class=\"cards\">";
    auto card = [&](std::string_view label, const std::string& value) {
      out_ += fmt::format(
          "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value\">{}"
          "</div></div>",
          label, value);
    };
    card("Clauses met", fmt::format("{} of {}", met, c.clauses.size()));
    for (const TotalReport& total : c.totals) card("Granted", html_escape(total.latest));
    for (const std::string& paid : c.paid) card("Paid for missed periods", html_escape(paid));
    card("Pending", fmt::format("{}", pending));
    if (lapsed > 0) card("Lapsed", fmt::format("{}", lapsed));
    out_ += "</div>\n";

    write_body(c, zone);
  }

  void write_body(const ContractReport& c, const TimeZone& zone) {
    write_clauses(c, zone);
    write_periods(c, zone);
    write_totals(c, zone);
    write_metrics(c, zone);
    write_pending(c, zone);
    write_timeline(c, zone);
  }

  // `requires C in each PERIOD` clauses: one row per period closed, as explain lists them.
  void write_periods(const ContractReport& c, const TimeZone& zone) {
    if (c.periods.empty()) return;
    out_ += fmt::format("<section id=\"{}periods\">\n<h2>By period</h2>\n", id_);
    for (const PeriodTable& table : c.periods) {
      out_ += fmt::format("<h3>{} <span class=\"note\">tested in each {}</span></h3>\n",
                          html_escape(table.clause), html_escape(table.per_period));
      if (table.rows.empty()) {
        out_ += "<p class=\"empty\">No period has ended yet.</p>\n";
        continue;
      }
      // A clause that pays for missed periods has a column for what each paid.
      const bool pays = std::any_of(table.rows.begin(), table.rows.end(),
                                    [](const PeriodRow& row) { return !row.paid.empty(); });
      out_ += fmt::format(
          "<div class=\"table-wrap\"><table class=\"periods\" data-clause=\"{}\">\n<thead><tr>"
          "<th>Period</th><th>Outcome</th><th>Values at the period's end</th><th>Granted</th>{}"
          "</tr></thead>\n<tbody>\n",
          html_escape(table.clause), pays ? "<th>Paid</th>" : "");
      for (const PeriodRow& row : table.rows) {
        out_ += fmt::format(
            "<tr data-period=\"{}\"><td class=\"num\">{}<span class=\"since\">ended {}</span>"
            "</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>{}</tr>\n",
            html_escape(row.period), html_escape(row.period),
            html_escape(local_time(row.end, zone)), badge(row.outcome),
            row.values.empty() ? "—" : html_escape(row.values),
            row.granted.empty() ? "—" : html_escape(row.granted),
            pays ? fmt::format("<td class=\"num\">{}</td>",
                               row.paid.empty() ? "—" : html_escape(row.paid))
                 : "");
      }
      out_ += "</tbody>\n</table></div>\n";
    }
    out_ += "</section>\n";
  }

  void write_clauses(const ContractReport& c, const TimeZone& zone) {
    out_ += fmt::format(
        "<section id=\"{}clauses\">\n<h2>Clauses</h2>\n<div class=\"table-wrap\"><table "
        "class=\"clauses\">\n<thead><tr>"
        "<th>Clause</th><th>State</th><th>First met</th><th>Grants</th>"
        "<th class=\"hide-narrow\">Cites</th></tr></thead>\n<tbody>\n",
        id_);
    for (const ClauseRow& row : c.clauses) {
      std::string cites;
      for (const auto& citation : row.citations) {
        cites += fmt::format("{}{}", cites.empty() ? "" : "<br>", html_escape(citation));
      }
      out_ += fmt::format(
          "<tr data-clause=\"{}\"><td><strong>{}</strong> <span class=\"note\">{}</span>{}</td>"
          "<td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td class=\"cite hide-narrow\">{}</td></tr>\n",
          html_escape(row.name), html_escape(row.name), html_escape(row.kind),
          row.title.empty()
              ? ""
              : fmt::format("<span class=\"title\">{}</span>", html_escape(row.title)),
          badge(row.state),
          row.since ? fmt::format("<span class=\"since\">since {}</span>",
                                  html_escape(local_time(*row.since, zone)))
                    : "",
          row.first_met ? fmt::format("{}<span class=\"since\">{}</span>",
                                      html_escape(local_time(*row.first_met, zone)),
                                      html_escape(row.first_state))
                        : "—",
          row.grant.empty() ? "—" : html_escape(row.grant), cites);
    }
    out_ += "</tbody>\n</table></div>\n</section>\n";
  }

  std::optional<std::pair<std::int64_t, std::int64_t>> range() const {
    if (!data_.start || !data_.end) return std::nullopt;
    std::int64_t from = data_.start->micros;
    std::int64_t to = std::max(data_.end->micros, from);
    if (to - from < kMicrosPerDay) to = from + kMicrosPerDay;
    return std::pair(from, to);
  }

  ChartSpec frame(const std::string& css, const std::string& title, const std::string& name,
                  const std::string& unit, const TimeZone& zone) const {
    ChartSpec spec;
    spec.css_class = css;
    spec.title = title;
    spec.data_name = name;
    spec.unit = unit;
    const auto [from, to] = *range();
    spec.x_min = seconds(from);
    spec.x_max = seconds(to);
    spec.x_ticks = time_ticks(from, to, zone);
    return spec;
  }

  void write_totals(const ContractReport& c, const TimeZone& zone) {
    if (c.totals.empty() || !range()) return;
    out_ += fmt::format("<section id=\"{}totals\">\n<h2>Granted over time</h2>\n", id_);
    for (const TotalReport& total : c.totals) {
      ChartSpec spec = frame("chart total-chart", fmt::format("Granted {} over time", total.unit),
                             total.unit, total.unit, zone);
      spec.series.push_back(
          {fmt::format("granted {}", total.unit), xy(total.steps), "total", true, total.latest});
      for (std::size_t i = 1; i < total.steps.size(); ++i) {
        if (total.steps[i].value == total.steps[i - 1].value) continue;
        // Several changes at one instant: one marker, at the total after them.
        if (i + 1 < total.steps.size() && total.steps[i + 1].micros == total.steps[i].micros) {
          continue;
        }
        spec.pins.push_back(
            {{seconds(total.steps[i].micros), total.steps[i].value},
             axis_number(total.steps[i].value),
             fmt::format("{}: {} {}", local_time(Timestamp{total.steps[i].micros}, zone),
                         axis_number(total.steps[i].value), total.unit),
             "marker met"});
      }
      out_ += fmt::format(
          "<figure class=\"chart\"><figcaption><span class=\"name\">Total granted ({})</span>"
          "<span class=\"latest\">{} as of {}</span></figcaption>\n{}\n</figure>\n",
          html_escape(total.unit), html_escape(total.latest), when(data_.end, zone),
          render_chart_svg(spec));
    }
    out_ += "</section>\n";
  }

  void write_metrics(const ContractReport& c, const TimeZone& zone) {
    out_ += fmt::format(
        "<section id=\"{}metrics\">\n<h2>Metrics, targets and changes of state</h2>\n", id_);
    for (const MetricReport& metric : c.metrics) {
      out_ += fmt::format(
          "<figure class=\"chart\" data-metric=\"{}\"><figcaption><span class=\"name\">{}</span>"
          "<span class=\"latest\">{} as of {}</span></figcaption>\n",
          html_escape(metric.name), html_escape(metric.name), html_escape(metric.latest),
          when(data_.end, zone));
      if (!metric.charted || !range()) {
        out_ += fmt::format("<p class=\"not-charted\">{}</p></figure>\n",
                            metric.charted ? "No events were replayed."
                                           : "Not a number or an amount: not charted.");
        continue;
      }
      ChartSpec spec =
          frame("chart metric-chart", fmt::format("{} over time", metric.name), metric.name,
                metric.per_share ? metric.unit + " per share" : metric.unit, zone);
      spec.series.push_back({metric.name, xy(metric.points), "series", true, {}});
      spec.whole_numbers = metric.counts;
      spec.from_zero = metric.counts || !metric.unit.empty();
      if (metric.unit.empty()) spec.height = 210;
      // Clauses with the same target share one line: "A[2], A[3] ≥ 1".
      std::vector<std::pair<std::string, const ThresholdSeries*>> lines;
      for (const ThresholdSeries& threshold : metric.thresholds) {
        const std::string test = threshold.label.substr(threshold.clause.size());
        auto same = std::find_if(lines.begin(), lines.end(), [&](const auto& line) {
          return line.second->steps.size() == threshold.steps.size() &&
                 std::equal(threshold.steps.begin(), threshold.steps.end(),
                            line.second->steps.begin(),
                            [](const SeriesPoint& a, const SeriesPoint& b) {
                              return a.micros == b.micros && a.value == b.value;
                            }) &&
                 line.second->label.substr(line.second->clause.size()) == test;
        });
        if (same == lines.end()) {
          lines.emplace_back(threshold.clause, &threshold);
        } else {
          same->first += ", " + threshold.clause;
        }
      }
      for (const auto& [clauses, threshold] : lines) {
        spec.guides.push_back(
            {clauses + threshold->label.substr(threshold->clause.size()), xy(threshold->steps)});
      }
      // One marker per clause and instant: "A[3] vested, exercisable".
      for (std::size_t i = 0; i < metric.markers.size(); ++i) {
        const ChartMarker& marker = metric.markers[i];
        if (i > 0 && metric.markers[i - 1].micros == marker.micros &&
            metric.markers[i - 1].clause == marker.clause) {
          continue;
        }
        std::string states = marker.to;
        std::string details = marker.details;
        std::string css = state_class(marker.to);
        for (std::size_t j = i + 1;
             j < metric.markers.size() && metric.markers[j].micros == marker.micros &&
             metric.markers[j].clause == marker.clause;
             ++j) {
          states += ", " + metric.markers[j].to;
          details += metric.markers[j].details;
        }
        spec.pins.push_back({{seconds(marker.micros), marker.value},
                             fmt::format("{} {}", marker.clause, states),
                             fmt::format("{}: {} {}{}", local_time(Timestamp{marker.micros}, zone),
                                         marker.clause, states, details),
                             fmt::format("marker {}", css)});
      }
      out_ += render_chart_svg(spec) + "\n";
      if (metric.markers_omitted > 0) {
        out_ +=
            fmt::format("<p class=\"not-charted\">{} more changes of state are not marked.</p>\n",
                        Decimal::from_int(static_cast<std::int64_t>(metric.markers_omitted))
                            .to_grouped_string());
      }
      out_ += "</figure>\n";
    }
    out_ += "</section>\n";
  }

  void write_pending(const ContractReport& c, const TimeZone& zone) {
    out_ += fmt::format("<section id=\"{}pending\">\n<h2>Why clauses are not met yet</h2>\n", id_);
    if (c.pending.empty()) {
      out_ += "<p class=\"empty\">Every clause has reached its last state.</p>\n";
    }
    for (const Explanation& explanation : c.pending)
      out_ += explanation_html(explanation, zone, id_);
    out_ += "</section>\n";
  }

  void write_timeline(const ContractReport& c, const TimeZone& zone) {
    out_ += fmt::format("<section id=\"{}timeline\">\n<h2>Timeline</h2>\n", id_);
    if (c.transitions.empty()) {
      out_ += "<p class=\"empty\">No clause changed state.</p>\n</section>\n";
      return;
    }
    out_ +=
        "<div class=\"table-wrap\"><table "
        "class=\"timeline\">\n<thead><tr><th>Time</th><th>Clause</th><th>Change</th>"
        "<th>Deciding values</th><th class=\"hide-narrow\">Cause</th></tr></thead>\n<tbody>\n";
    for (const Transition& t : c.transitions) {
      out_ += fmt::format(
          "<tr><td class=\"num\">{}</td><td><strong>{}</strong></td><td class=\"change\">{} → "
          "{}</td>"
          "<td>{}</td>"
          "<td class=\"cite hide-narrow\">{}</td></tr>\n",
          html_escape(local_time(t.ts, zone)), html_escape(t.clause), html_escape(t.from.name),
          badge(t.to.name), html_escape(values_words(t)), html_escape(cause_words(t.cause)));
    }
    out_ += "</tbody>\n</table></div>\n";
    if (c.transitions_total > c.transitions.size()) {
      out_ += fmt::format(
          "<p class=\"empty\">… and {} more changes (run <code>proviso run</code> "
          "for the whole timeline).</p>\n",
          c.transitions_total - c.transitions.size());
    }
    out_ += "</section>\n";
  }
};

}  // namespace

std::string render_report_html(const ReportData& data) {
  return Writer(data).html();
}

}  // namespace proviso
