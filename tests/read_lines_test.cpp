// What the line readers promise beyond each field's value: the fast path for plain lines reads
// exactly what simdjson reads, CR-only line ends are an error rather than lost events, --strict
// makes an undeclared type an error, and every good line is counted (an empty log is noticed).
// Also the bounded reading of contract, test and timeline files (base/read_text).
#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/read_text.hpp"
#include "events/flat_json.hpp"
#include "events/read_events.hpp"

namespace proviso {
namespace {

namespace fs = std::filesystem;

// deployment {vendor: text, mw: MW} and report {ok: boolean, n: number}.
EventSchemas schemas() {
  EventSchemas result;
  const auto add = [&](std::string name, std::vector<FieldSchema> fields) {
    result.index[name] = static_cast<std::uint32_t>(result.events.size());
    result.events.push_back(EventSchema{std::move(name), std::move(fields), {}});
  };
  const Decimal one = Decimal::from_int(1);
  add("deployment", {{"vendor", Type::of(Kind::text), one},
                     {"mw", Type::quantity("power", "MW"), Decimal::from_int(1'000'000)}});
  add("report", {{"ok", Type::of(Kind::boolean), one}, {"n", Type::of(Kind::number), one}});
  return result;
}

const EventSchemas kSchemas = schemas();

// What reading a log gives: each event as text, then the reader's error (if any), its skipped
// lines, its undeclared types and its count of good lines.
std::string read_text_log(std::string_view text, const ReadOptions& options = {}) {
  ReadError error;
  auto reader =
      EventReader::from_text("log.jsonl", text, LogFormat::jsonl, kSchemas, 0, options, error);
  REQUIRE(reader != nullptr);
  std::string out;
  Event event;
  while (reader->next(event)) {
    out += fmt::format("{} {} line {}:", kSchemas.events[event.type].name, event.ts.micros,
                       event.line);
    for (const FieldSlot& slot : event.fields) {
      out += fmt::format(" [{} {} {} {}]", slot.number.to_string(), slot.instant, slot.flag,
                         slot.text);
    }
    out += '\n';
  }
  if (reader->error()) out += render(*reader->error()) + '\n';
  for (const ReadError& skipped : reader->first_skipped())
    out += "skipped " + render(skipped) + '\n';
  for (const auto& [type, count] : reader->undeclared_types()) {
    out += fmt::format("passed over {} {}\n", count, type);
  }
  out += fmt::format("{} good lines\n", reader->good_lines());
  return out;
}

TEST_CASE("The fast path takes only plain flat objects", "[read]") {
  detail::FlatObject object;
  CHECK(detail::read_flat_object(R"({"ts":"x","type":"a","n":-1.5e3,"b":true,"z":null})", object));
  REQUIRE(object.size == 5);
  CHECK(object.members[2].key == "n");
  CHECK(object.members[2].raw == "-1.5e3");
  CHECK(object.members[2].kind == detail::FlatKind::number);
  CHECK(object.members[1].text() == "a");
  CHECK(detail::read_flat_object(" { \"a\" : \"b\" , \"c\":1 } ", object));
  CHECK_FALSE(detail::read_flat_object("{\"a\":1,\t\"b\":2}", object));  // a tab
  CHECK(detail::read_flat_object("{}", object));
  CHECK(object.size == 0);
  // Everything else is left to simdjson, valid JSON or not.
  for (const std::string_view line : {
           R"({"a":"\u0041"})",     // an escape
           "{\"a\":\"\xC3\xA9\"}",  // non-ASCII text
           R"({"a":{"b":1}})",      // nesting
           R"({"a":[1]})",          // an array
           R"({"a":01})",           // a bad number
           R"({"a":1.})",           // a bad number
           R"({"a":tru})",          // a bad literal
           R"({"a":1,})",           // a trailing comma
           R"({"a":1} x)",          // something after the object
           R"({"a":1)",             // no closing brace
           R"({"a" 1})",            // no colon
           "{\"a\":\"b\tc\"}",      // a control character in a string
           "{\"a\":1,\r\"b\":2}",   // a CR
           R"(["a"])",              // not an object
       }) {
    INFO(line);
    CHECK_FALSE(detail::read_flat_object(line, object));
  }
  std::string many = "{";
  for (std::size_t i = 0; i <= detail::kMaxFlatMembers; ++i) {
    many += fmt::format("{}\"k{}\":1", i == 0 ? "" : ",", i);
  }
  CHECK_FALSE(detail::read_flat_object(many + "}", object));
}

TEST_CASE("The fast path finds strings that cross its 16- and 64-byte blocks", "[read]") {
  // Quotes are found a block of bytes at a time: every string, wherever it starts and ends,
  // must come out whole, and an unclosed one must not borrow a quote from elsewhere.
  detail::FlatObject object;
  for (std::size_t pad = 0; pad < 140; ++pad) {
    const std::string value(pad, 'v');
    const std::string line = fmt::format(R"({{"k":"{}","n":1,"s":"{}"}})", value, value + "w");
    INFO(line);
    REQUIRE(detail::read_flat_object(line, object));
    REQUIRE(object.size == 3);
    CHECK(object.members[0].text() == value);
    CHECK(object.members[1].raw == "1");
    CHECK(object.members[2].text() == value + "w");
    CHECK_FALSE(detail::read_flat_object(fmt::format(R"({{"k":"{}}})", value), object));
    CHECK_FALSE(detail::read_flat_object(fmt::format(R"({{"k":"{},"n":1}})", value), object));
  }
  // Longer lines than the fast path reads are left to simdjson.
  const std::string longest(detail::kMaxFlatLine - 8, 'x');  // {"k":"…"} is 512 bytes
  CHECK(detail::read_flat_object(fmt::format(R"({{"k":"{}"}})", longest), object));
  CHECK_FALSE(detail::read_flat_object(fmt::format(R"({{"k":"{}y"}})", longest), object));
}

TEST_CASE("A plain line reads the same through the fast path as through simdjson", "[read]") {
  // Each line is read as it is (the fast path) and with a non-ASCII field added (which sends it
  // to simdjson): the events, the complaints and the counts must be the same.
  const std::vector<std::string> lines = {
      R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD","mw":600.5})",
      R"({"type":"deployment","ts":"2026-09-01T00:00:00+02:00","mw":"7","vendor":"X","x":null})",
      R"({"ts":"2026-09-01T00:00:00Z","type":"report","ok":false,"n":-0.25})",
      R"({"ts":"2026-09-01T00:00:00Z","type":"trade","px":"1.5","qty":3,"up":true})",
      R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD","mw":"lots"})",
      R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD","mw":true})",
      R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":7,"mw":1})",
      R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD"})",
      R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"A","vendor":"B","mw":1})",
      R"({"ts":"2026-09-01T00:00:00Z","type":"trade","a":1,"a":2})",
      R"({"ts":"2026-09-01","type":"trade"})",
      R"({"ts":"2026-09-01T00:00:00Z","type":3})",
      R"({"ts":"2026-09-01T00:00:00Z"})",
      R"({"type":"trade"})",
      R"({"ts":"2026-09-01T00:00:00Z","type":"report","ok":"true","n":1})",
      R"({"ts":"2026-09-01T00:00:00Z","type":"report","ok":null,"n":1})",
  };
  for (const std::string& line : lines) {
    std::string routed = line;
    routed.insert(routed.size() - 1, ",\"note\":\"caf\xC3\xA9\"");
    INFO(line);
    CHECK(read_text_log(line + "\n") == read_text_log(routed + "\n"));
  }
}

TEST_CASE("CR-only line ends are an error, not events lost", "[read]") {
  const std::string line1 =
      R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD","mw":1})";
  const std::string line2 =
      R"({"ts":"2026-09-02T00:00:00Z","type":"deployment","vendor":"AMD","mw":2})";
  const std::string complaint =
      "log.jsonl:1: error: this line holds a carriage return (CR) that does not end it: a log's "
      "lines end with LF or CR LF, so convert a file with CR-only line ends first\n";
  CHECK(read_text_log(line1 + "\r" + line2 + "\r") == complaint + "0 good lines\n");
  // CR LF is an ordinary line end.
  CHECK(read_text_log(line1 + "\r\n" + line2 + "\r\n").find("2 good lines") != std::string::npos);
  // Skipping bad lines reports the whole run of CR-ended lines as one skipped line.
  ReadOptions lenient;
  lenient.skip_bad_lines = true;
  CHECK(read_text_log(line1 + "\r" + line2 + "\r", lenient) ==
        "skipped " + complaint + "0 good lines\n");
}

TEST_CASE("Strict reading makes an undeclared event type an error at its line", "[read]") {
  const std::string log =
      R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD","mw":1})"
      "\n"
      R"({"ts":"2026-09-02T00:00:00Z","type":"trade","px":"1"})"
      "\n";
  CHECK(read_text_log(log) ==
        "deployment 1788220800000000 line 1: [0 0 false AMD] [1000000 0 false ]\n"
        "passed over 1 trade\n"
        "2 good lines\n");
  ReadOptions strict;
  strict.strict_types = true;
  CHECK(read_text_log(log, strict) ==
        "deployment 1788220800000000 line 1: [0 0 false AMD] [1000000 0 false ]\n"
        "log.jsonl:2: error: no contract declares the event type \"trade\" (--strict)\n"
        "1 good lines\n");
  // Order is still checked first: a line out of order is reported as such.
  const std::string backwards =
      R"({"ts":"2026-09-02T00:00:00Z","type":"deployment","vendor":"AMD","mw":1})"
      "\n"
      R"({"ts":"2026-09-01T00:00:00Z","type":"trade","px":"1"})"
      "\n";
  CHECK(read_text_log(backwards, strict).find("is earlier than the previous event") !=
        std::string::npos);
}

TEST_CASE("An empty log has no good lines", "[read]") {
  CHECK(read_text_log("") == "0 good lines\n");
  CHECK(read_text_log("\n  \n") == "0 good lines\n");
}

TEST_CASE("Text files are read whole, but not folders and not without bound", "[read]") {
  const fs::path folder =
      fs::temp_directory_path() / fmt::format("proviso_read_text_{}", ::getpid());
  fs::create_directories(folder / "x.proviso");
  std::ofstream(folder / "small.txt", std::ios::binary) << "abc\n";
  std::string error;
  CHECK(read_text_file((folder / "small.txt").string(), error) == "abc\n");
  CHECK_FALSE(read_text_file((folder / "small.txt").string(), error, 3));
  CHECK(error ==
        fmt::format("cannot read {}: it is larger than 3 bytes", (folder / "small.txt").string()));
  CHECK_FALSE(read_text_file((folder / "x.proviso").string(), error));
  CHECK(error ==
        fmt::format("cannot read {}: it is a folder, not a file", (folder / "x.proviso").string()));
  CHECK_FALSE(read_text_file("/dev/zero", error));
  CHECK(error == "cannot read /dev/zero: it is larger than 16 MiB");
  CHECK_FALSE(read_text_file((folder / "missing").string(), error));
  CHECK(error ==
        fmt::format("cannot read {}: No such file or directory", (folder / "missing").string()));
  fs::remove_all(folder);
}

}  // namespace
}  // namespace proviso
