// The portfolio's summary: one row per instance with each clause's state and since when, what
// it grants and how many changes it had; the key links to the instance's details.
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "base/escape.hpp"
#include "report/portfolio_html.hpp"
#include "run/render.hpp"

namespace proviso {

namespace {

// Sorts the summary by the column whose header is clicked (again: the other way), filters its
// rows by the text typed, and opens an instance's details when a link or the address names it.
// Everything is in the HTML already: without the script the table reads the same, unsorted.
constexpr std::string_view kScript = R"(<script>
(function () {
  var table = document.getElementById('portfolio-table');
  var filter = document.getElementById('portfolio-filter');
  var body = table.tBodies[0];
  filter.hidden = false;
  filter.addEventListener('input', function () {
    var query = filter.value.toLowerCase();
    for (var row of body.rows) row.hidden = query !== '' && row.textContent.toLowerCase().indexOf(query) < 0;
  });
  table.tHead.addEventListener('click', function (event) {
    var th = event.target.closest('th');
    if (!th) return;
    var column = th.cellIndex, direction = th.dataset.dir === 'asc' ? -1 : 1;
    th.dataset.dir = direction > 0 ? 'asc' : 'desc';
    var key = function (row) { var cell = row.cells[column]; return cell.dataset.key || cell.textContent; };
    var rows = Array.from(body.rows);
    rows.sort(function (a, b) { return direction * key(a).localeCompare(key(b), undefined, {numeric: true}); });
    rows.forEach(function (row) { body.appendChild(row); });
  });
  function openNamed() {
    var named = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (named && named.tagName === 'DETAILS') { named.open = true; named.scrollIntoView(); }
  }
  window.addEventListener('hashchange', openNamed);
  document.addEventListener('DOMContentLoaded', openNamed);
})();
</script>
)";

bool is_met(std::string_view state) {
  return state != "pending" && state != "lapsed" && state != "breached" && state != "missed" &&
         state != "unknown";
}

}  // namespace

std::string state_class(std::string_view state) {
  if (state == "pending" || state == "unknown") return "pending";
  if (state == "lapsed" || state == "breached") return std::string(state);
  if (state == "missed") return "lapsed";
  return "met";
}

std::string state_badge(std::string_view state) {
  return fmt::format("<span class=\"badge {}\">{}</span>", state_class(state), html_escape(state));
}

std::string instance_id(std::string_view key) {
  std::string out;
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-') {
      out += c;
    } else {
      out += fmt::format("_{:02X}", byte);
    }
  }
  return out;
}

std::string instance_badges(const ContractReport& instance) {
  std::string out;
  for (const ClauseRow& row : instance.clauses) {
    out += fmt::format("{}<span class=\"clause-state\">{} {}</span>", out.empty() ? "" : " ",
                       html_escape(row.name), state_badge(row.state));
  }
  return out;
}

std::string portfolio_summary_html(const std::vector<const ContractReport*>& instances,
                                   const PortfolioFacts& facts, const TimeZone& zone) {
  const ContractReport& first = *instances.front();
  std::string out =
      "<header class=\"contract-header\">\n<p class=\"eyebrow\">Proviso portfolio "
      "report</p>\n";
  out += fmt::format("<h1>{}</h1>\n", html_escape(first.title));
  if (!first.source.empty()) {
    out += fmt::format("<p class=\"source\">Source: {}</p>\n", html_escape(first.source));
  }
  auto grouped = [](std::size_t n) {
    return Decimal::from_int(static_cast<std::int64_t>(n)).to_grouped_string();
  };
  out += "<dl class=\"facts\">";
  auto fact = [&](std::string_view term, const std::string& value) {
    out += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>", term, value);
  };
  fact("As of", facts.as_of ? html_escape(local_time(*facts.as_of, zone)) : "—");
  fact("Time zone", html_escape(first.timezone));
  if (!first.calendar.empty()) fact("Trading calendar", html_escape(first.calendar));
  fact("Instances", grouped(instances.size()));
  fact("Events replayed", grouped(facts.events));
  out += "</dl>\n</header>\n";

  // Cards: per clause, how many instances have met it (reached a state past pending).
  std::size_t changed = 0;
  std::map<std::string, std::size_t> met;
  for (const ContractReport* instance : instances) {
    changed += instance->transitions_total > 0 ? 1 : 0;
    for (const ClauseRow& row : instance->clauses) met[row.name] += is_met(row.state) ? 1 : 0;
  }
  out += "<div class=\"cards\">";
  auto card = [&](const std::string& label, const std::string& value) {
    out += fmt::format(
        "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value\">{}</div></div>",
        label, value);
  };
  card("Instances", grouped(instances.size()));
  card("With changes", grouped(changed));
  for (const ClauseRow& row : first.clauses) {
    card(fmt::format("{} met", html_escape(row.name)),
         fmt::format("{} of {}", grouped(met[row.name]), grouped(instances.size())));
  }
  out += "</div>\n";

  out +=
      "<section id=\"portfolio\">\n<h2>Portfolio</h2>\n<p><input type=\"search\" "
      "id=\"portfolio-filter\" placeholder=\"Filter instances\" aria-label=\"Filter instances\" "
      "hidden></p>\n<div class=\"table-wrap\"><table class=\"portfolio\" "
      "id=\"portfolio-table\">\n<thead><tr><th>Instance</th>";
  for (const ClauseRow& row : first.clauses) {
    out += fmt::format("<th>{}</th>", html_escape(row.name));
  }
  out += "<th>Granted</th><th>Changes</th></tr></thead>\n<tbody>\n";
  for (const ContractReport* instance : instances) {
    const std::string id = instance_id(instance->instance);
    out += fmt::format(
        "<tr data-instance=\"{}\"><td data-key=\"{}\">{}</td>", html_escape(instance->instance),
        html_escape(instance->instance),
        instance->transitions_total > 0
            ? fmt::format("<a href=\"#instance-{}\">{}</a>", id, html_escape(instance->instance))
            : html_escape(instance->instance));
    for (const ClauseRow& row : instance->clauses) {
      // Met: when it first met its first stage; otherwise since when it is in its state.
      const std::optional<Timestamp>& at = row.first_met ? row.first_met : row.since;
      const std::string time = at ? local_time(*at, zone) : "";
      out +=
          fmt::format("<td data-clause=\"{}\" data-key=\"{} {}\">{}{}</td>", html_escape(row.name),
                      html_escape(row.state), html_escape(time), state_badge(row.state),
                      at ? fmt::format("<span class=\"since\">{}</span>", html_escape(time)) : "");
    }
    std::string granted;
    for (const TotalReport& total : instance->totals) {
      granted += fmt::format("{}{}", granted.empty() ? "" : "<br>", html_escape(total.latest));
    }
    out += fmt::format("<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                       granted.empty() ? "—" : granted, instance->transitions_total);
  }
  out += "</tbody>\n</table></div>\n</section>\n";
  out += kScript;
  return out;
}

}  // namespace proviso
