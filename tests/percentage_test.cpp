// Percentages and ratios as types: read from logs as their declaration says, checked against
// plain numbers, and shown as written (`94.2%`, `3.5x`) in the run output.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "tests/support.hpp"

namespace proviso::testing {

namespace {

namespace fs = std::filesystem;

const char* const kPpa = R"(contract "Solar PPA"
  timezone "UTC"

event month_report { plant: text, availability: percentage }
event leverage_report { leverage: ratio }

metric avail    = latest month_report.availability where plant == "A"
metric leverage = latest leverage_report.leverage

covenant Availability holds while avail >= 95%
covenant Leverage holds while leverage <= 3.25x
clause Shortfall triggers when 1 GW * (95% - avail) >= 100 MW
)";

// A folder of files for one test, removed at its end.
class Folder {
 public:
  Folder() {
    static int counter = 0;
    path_ = fs::temp_directory_path() / fmt::format("proviso_pct_{}_{}", ::getpid(), ++counter);
    fs::create_directories(path_);
  }
  ~Folder() { fs::remove_all(path_); }
  void write(const std::string& name, std::string_view text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("percentage fields read 0.97, \"97%\" and 97% and print as percentages", "[percentage]") {
  Folder folder;
  folder.write("ppa.proviso", kPpa);
  folder.write(
      "ppa.jsonl",
      R"({"ts":"2026-01-31T00:00:00Z","type":"month_report","plant":"A","availability":0.97}
{"ts":"2026-02-28T00:00:00Z","type":"month_report","plant":"A","availability":"94.2%"}
{"ts":"2026-03-31T00:00:00Z","type":"month_report","plant":"A","availability":"80.5 %"}
)");
  folder.write("ppa.csv",
               "ts,type,plant,availability\n"
               "2026-01-31T00:00:00Z,month_report,A,97%\n"
               "2026-02-28T00:00:00Z,month_report,A,0.942\n");
  const CommandResult jsonl = run_proviso("run ppa.proviso ppa.jsonl", folder.path());
  INFO(jsonl.output);
  CHECK(jsonl.exit_code == 0);
  CHECK(contains(jsonl.output, "Availability  pending → holding  avail = 97% (>= 95%)"));
  // A breach reads as one: the value is below the percentage it is held to.
  CHECK(contains(jsonl.output, "Availability  holding → breached  avail = 94.2% (>= 95%)"));
  // 1 GW × (95% − 80.5%) is 145 MW: a percentage of an amount is an amount.
  CHECK(contains(jsonl.output, "2026-03-31T00:00:00Z  Solar PPA  Shortfall  pending → triggered"));
  const CommandResult csv = run_proviso("run ppa.proviso ppa.csv", folder.path());
  INFO(csv.output);
  CHECK(contains(csv.output, "avail = 97% (>= 95%)  [ppa.csv:2]"));
  CHECK(contains(csv.output, "avail = 94.2% (>= 95%)  [ppa.csv:3]"));
}

TEST_CASE("ratio fields read 3.25x, \"3.5 to 1.00\" and 3 and print as ratios", "[percentage]") {
  Folder folder;
  folder.write("ppa.proviso", kPpa);
  folder.write("lev.jsonl", R"({"ts":"2026-01-31T00:00:00Z","type":"leverage_report","leverage":3}
{"ts":"2026-02-28T00:00:00Z","type":"leverage_report","leverage":"3.5 to 1.00"}
{"ts":"2026-03-31T00:00:00Z","type":"leverage_report","leverage":"3.25x"}
)");
  const CommandResult result = run_proviso("run ppa.proviso lev.jsonl", folder.path());
  INFO(result.output);
  CHECK(contains(result.output, "Leverage  pending → holding  leverage = 3x (<= 3.25x)"));
  CHECK(contains(result.output, "Leverage  holding → breached  leverage = 3.5x (<= 3.25x)"));
  CHECK(contains(result.output, "Leverage  breached → holding  leverage = 3.25x (<= 3.25x)"));
}

TEST_CASE("a percentage field says what it reads when a value is not one", "[percentage]") {
  Folder folder;
  folder.write("ppa.proviso", kPpa);
  folder.write(
      "bad.jsonl",
      R"({"ts":"2026-01-31T00:00:00Z","type":"month_report","plant":"A","availability":"97 percent"}
)");
  const CommandResult result = run_proviso("run ppa.proviso bad.jsonl", folder.path());
  CHECK(result.exit_code != 0);
  CHECK(contains(result.output, "bad.jsonl:1"));
  CHECK(contains(result.output, "must be a percentage such as \"97%\" or 0.97"));
}

TEST_CASE("a plain number compared with a percentage is an error with the percentage to write",
          "[percentage][check]") {
  Folder folder;
  folder.write("c.proviso", R"(contract "Availability"
event month_report { availability: percentage }
metric avail = latest month_report.availability
covenant A holds while avail >= 0.95
covenant B holds while avail >= 95%
clause C triggers when avail * 2 >= 190%
clause D triggers when 95% < 1
)");
  const CommandResult result = run_proviso("check c.proviso", folder.path());
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK(contains(result.output,
                 "c.proviso:4:30: error: cannot compare a percentage with a plain "
                 "number"));
  CHECK(contains(result.output, "e.g. 95%, or multiply a ratio by 100%"));
  CHECK(contains(result.output,
                 "c.proviso:7:28: error: cannot compare a percentage with a plain "
                 "number"));
  CHECK(contains(result.output, "2 errors"));
}

}  // namespace proviso::testing
