// `proviso run --format csv`: RFC 4180 cells, one column list for the header and every row, and
// a row that reads back into the same cells.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "base/escape.hpp"
#include "run/transition_format.hpp"

namespace proviso {
namespace {

// Splits one CSV row as RFC 4180 reads it (quoted cells with doubled quotes).
std::vector<std::string> read_row(const std::string& row) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < row.size(); ++i) {
    const char c = row[i];
    if (quoted) {
      if (c == '"' && i + 1 < row.size() && row[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  return cells;
}

}  // namespace

TEST_CASE("csv_cell quotes a cell only when RFC 4180 needs it", "[csv]") {
  CHECK(csv_cell("plain text") == "plain text");
  CHECK(csv_cell("") == "");
  CHECK(csv_cell("2,000 MW") == "\"2,000 MW\"");
  CHECK(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_cell("two\nlines") == "\"two\nlines\"");
  CHECK(csv_cell("cr\r") == "\"cr\r\"");
  CHECK(csv_cell(" padded") == "\" padded\"");
  CHECK(csv_cell("AMD–OpenAI § 2") == "AMD–OpenAI § 2");
}

TEST_CASE("a transition's CSV row has a cell under each header and reads back", "[csv][run]") {
  Transition transition;
  transition.ts = Timestamp{0};
  transition.contract = "Smith, \"Jones\" & Co";
  transition.clause = "F[3]";
  transition.from = {0, "pending"};
  transition.to = {1, "vested"};
  transition.cause = {CauseKind::event, "logs/a.jsonl", 17};
  transition.values = {{"deployed", "2,000 MW", ">= 1,500 MW", std::nullopt},
                       {"T1", "vested", "is vested", std::nullopt}};
  const std::vector<std::string> header = read_row(format_transition_csv_header());
  CHECK(header == std::vector<std::string>{"ts", "contract", "instance", "clause", "from", "to",
                                           "period", "cause", "file", "line", "values", "amount",
                                           "cash_in_lieu", "period_amount", "restated"});
  REQUIRE(header.size() == transition_columns().size());
  const std::vector<std::string> row = read_row(format_transition_csv(transition));
  REQUIRE(row.size() == header.size());
  CHECK(row[0] == "1970-01-01T00:00:00Z");
  CHECK(row[1] == "Smith, \"Jones\" & Co");
  CHECK(row[2].empty());
  CHECK(row[7] == "event");
  CHECK(row[8] == "logs/a.jsonl");
  CHECK(row[9] == "17");
  CHECK(row[10] == "deployed = 2,000 MW (>= 1,500 MW); T1 = vested (is vested)");
  // The timeline words the values the same way.
  CHECK(format_transition_text(transition).find(row[10]) != std::string::npos);

  transition.cause = {CauseKind::deadline, {}, 0};
  transition.period = "2026-03";
  const std::vector<std::string> timed = read_row(format_transition_csv(transition));
  REQUIRE(timed.size() == header.size());
  CHECK(timed[6] == "2026-03");
  CHECK(timed[7] == "deadline");
  CHECK(timed[8].empty());
  CHECK(timed[9].empty());

  // What a change grants, and a period's words with its running total, have their own cells.
  transition.amount = "1,000 USD";
  transition.period_amount = "grants 1,000 USD, total 3,000 USD";
  transition.restated = true;
  const std::vector<std::string> granted = read_row(format_transition_csv(transition));
  REQUIRE(granted.size() == header.size());
  CHECK(granted[11] == "1,000 USD");
  CHECK(granted[12].empty());
  CHECK(granted[13] == "grants 1,000 USD, total 3,000 USD");
  CHECK(granted[14] == "true");
}

}  // namespace proviso
