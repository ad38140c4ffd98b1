#include "events/read_events.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace proviso {
namespace {

namespace fs = std::filesystem;

Decimal dec(std::string_view text) {
  const auto parsed = Decimal::parse(text);
  REQUIRE(parsed.has_value());
  return *parsed;
}

Timestamp at(std::string_view text) {
  const auto parsed = parse_instant_fast(text);
  REQUIRE(parsed.has_value());
  return *parsed;
}

// close {symbol: text, px: USD}, deployment {vendor: text, mw: MW}, milestone {name: text} as
// in W1, and report with one field of each other kind.
EventSchemas schemas() {
  EventSchemas result;
  const auto add = [&](std::string name, std::vector<FieldSchema> fields) {
    result.index[name] = static_cast<std::uint32_t>(result.events.size());
    result.events.push_back(EventSchema{std::move(name), std::move(fields), {}});
  };
  const Decimal one = Decimal::from_int(1);
  add("close",
      {{"symbol", Type::of(Kind::text), one}, {"px", Type::quantity("money:USD", "USD"), one}});
  add("deployment", {{"vendor", Type::of(Kind::text), one},
                     {"mw", Type::quantity("power", "MW"), Decimal::from_int(1'000'000)}});
  add("milestone", {{"name", Type::of(Kind::text), one}});
  add("report", {{"ok", Type::of(Kind::boolean), one},
                 {"on", Type::of(Kind::date), one},
                 {"at", Type::of(Kind::timestamp), one},
                 {"n", Type::of(Kind::number), one}});
  return result;
}

const EventSchemas kSchemas = schemas();
constexpr std::uint32_t kClose = 0, kDeployment = 1, kMilestone = 2, kReport = 3;

// A log written to a fresh temporary file, removed at the end of the test.
class TempLog {
 public:
  TempLog(std::string_view name, std::string_view content) {
    static int counter = 0;
    path_ = fs::temp_directory_path() / fmt::format("proviso_read_{}_{}", ::getpid(), ++counter);
    fs::create_directories(path_);
    path_ /= name;
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempLog() { fs::remove_all(path_.parent_path()); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

std::unique_ptr<EventReader> open_log(const TempLog& log, const ReadOptions& options = {},
                                      std::uint32_t index = 0,
                                      std::optional<LogFormat> format = std::nullopt) {
  ReadError error;
  auto reader = EventReader::open(log.path(), format, kSchemas, index, options, error);
  INFO(render(error));
  REQUIRE(reader != nullptr);
  return reader;
}

std::vector<Event> read_all(EventReader& reader) {
  std::vector<Event> events;
  Event event;
  while (reader.next(event)) events.push_back(event);
  return events;
}

// The error a log stops with, rendered; fails when it reads to the end cleanly.
std::string first_error(std::string_view name, std::string_view content,
                        const ReadOptions& options = {}) {
  const TempLog log(name, content);
  auto reader = open_log(log, options);
  read_all(*reader);
  REQUIRE(reader->error().has_value());
  return render(*reader->error());
}

// What a test expects: file (for the temporary log's name), line, message.
std::string expected(std::string_view name, int line, std::string_view message) {
  return fmt::format("{}:{}: error: {}", name, line, message);
}

// Just the file name part of a rendered error, so expectations need not know the temp folder.
std::string strip_folder(std::string rendered) {
  const std::size_t colon = rendered.find(':');
  const std::size_t slash = rendered.rfind('/', colon);
  return slash == std::string::npos ? rendered : rendered.substr(slash + 1);
}

constexpr std::string_view kGoodLine =
    R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD","mw":600})";

TEST_CASE("JSON Lines: declared events with exact values, others counted", "[read]") {
  const TempLog log(
      "good.jsonl",
      "{\"ts\":\"2026-09-01T00:00:00Z\",\"type\":\"deployment\",\"vendor\":\"AMD\","
      "\"mw\":600}\n"
      "{\"ts\":\"2026-09-01T01:00:00.5+01:00\",\"type\":\"close\",\"symbol\":\"AMD\","
      "\"px\":\"123.45\"}\r\n"
      "\n"
      "   \n"
      "{\"type\":\"trade\",\"ts\":\"2026-09-01T12:00:00Z\",\"symbol\":\"X\",\"px\":\"1\"}\n"
      "{\"ts\":\"2026-09-02T00:00:00Z\",\"type\":\"trade\"}\n"
      "{\"ts\":\"2026-09-02T00:00:00Z\",\"type\":\"news\",\"headline\":\"hi\"}\n"
      "{\"extra\":{\"a\":[1,2]},\"px\":123.45,\"symbol\":\"AMD\",\"type\":\"close\","
      "\"ts\":\"2026-09-02T00:00Z\"}\n"
      "{\"ts\":\"2026-09-03T00:00:00Z\",\"type\":\"close\",\"symbol\":\"B\\u00e9\","
      "\"px\":0.1}\n"
      "{ \"ts\" : \"2026-09-03T00:00:00Z\" , \"type\" : \"milestone\" , \"name\" : "
      "\"final_tech\" }\n"
      "{\"ts\":\"2026-09-04T00:00:00Z\",\"type\":\"deployment\",\"vendor\":\"NVIDIA\","
      "\"mw\":-1.5e3}");
  auto reader = open_log(log, {}, 3);
  const std::vector<Event> events = read_all(*reader);
  CHECK_FALSE(reader->error().has_value());
  REQUIRE(events.size() == 6);

  CHECK(events[0].type == kDeployment);
  CHECK(events[0].log == 3);
  CHECK(events[0].line == 1);
  CHECK(events[0].ts == at("2026-09-01T00:00:00Z"));
  REQUIRE(events[0].fields.size() == 2);
  CHECK(events[0].fields[0].text == "AMD");
  CHECK(events[0].fields[1].number == Decimal::from_int(600'000'000));  // 600 MW in W

  CHECK(events[1].type == kClose);
  CHECK(events[1].line == 2);
  CHECK(events[1].ts == at("2026-09-01T00:00:00.5Z"));
  CHECK(events[1].fields[0].text == "AMD");
  CHECK(events[1].fields[1].number == dec("123.45"));

  CHECK(events[2].line == 8);  // a JSON number, fields in another order, no seconds in ts
  CHECK(events[2].ts == at("2026-09-02T00:00:00Z"));
  CHECK(events[2].fields[1].number == dec("123.45"));
  CHECK(events[2].fields[1].number.to_string() == "123.45");

  CHECK(events[3].fields[0].text == "B\xc3\xa9");
  CHECK(events[3].fields[1].number.to_string() == "0.1");
  CHECK(events[3].fields[1].number + dec("0.2") == dec("0.3"));

  CHECK(events[4].type == kMilestone);
  CHECK(events[4].line == 10);
  CHECK(events[4].fields[0].text == "final_tech");

  CHECK(events[5].line == 11);  // the last line has no line end
  CHECK(events[5].fields[1].number == Decimal::from_int(-1'500'000'000));

  const std::map<std::string, std::uint64_t, std::less<>> undeclared{{"news", 1}, {"trade", 2}};
  CHECK(reader->undeclared_types() == undeclared);
  CHECK(reader->skipped_lines() == 0);
}

TEST_CASE("JSON Lines: booleans, dates, timestamps and plain numbers", "[read]") {
  const TempLog log("kinds.jsonl",
                    R"({"ts":"2026-09-01T00:00:00Z","type":"report","ok":true,"on":"2030-10-06",)"
                    R"("at":"2026-09-01T09:30:00-04:00","n":"-0.25"})"
                    "\n"
                    R"({"ts":"2026-09-01T00:00:00Z","type":"report","ok":false,"on":"1970-01-02",)"
                    R"("at":"2026-09-01T13:30Z","n":1e3})");
  auto reader = open_log(log);
  const std::vector<Event> events = read_all(*reader);
  REQUIRE(events.size() == 2);
  CHECK(events[0].type == kReport);
  CHECK(events[0].fields[0].flag);
  CHECK(events[0].fields[1].instant == make_date(2030, 10, 6)->days);
  CHECK(events[0].fields[2].instant == at("2026-09-01T13:30:00Z").micros);
  CHECK(events[0].fields[3].number == dec("-0.25"));
  CHECK_FALSE(events[1].fields[0].flag);
  CHECK(events[1].fields[1].instant == 1);
  CHECK(events[1].fields[2].instant == at("2026-09-01T13:30:00Z").micros);
  CHECK(events[1].fields[3].number == Decimal::from_int(1000));
}

TEST_CASE("CSV: header by name, RFC 4180 quoting, CRLF", "[read]") {
  const TempLog log("good.csv",
                    "type,ts,vendor,mw,symbol,px,name,unused\r\n"
                    "deployment,2026-09-01T00:00:00Z,AMD,600,,,,x\r\n"
                    "close,2026-09-01T00:00:01Z,\"AM,D\",,\"A \"\"B\"\"\",123.45,,\r\n"
                    "\r\n"
                    "trade,2026-09-01T00:00:02Z,,,X,1,,\r\n"
                    "milestone,2026-09-01T00:00:03Z,,,,,\"two\nlines\",\r\n"
                    "milestone,2026-09-01T00:00:04Z,,,,,\"\",\r\n"
                    "deployment,2026-09-01T00:00:05Z,NVIDIA,0.5,,,,");
  auto reader = open_log(log);
  const std::vector<Event> events = read_all(*reader);
  CHECK_FALSE(reader->error().has_value());
  REQUIRE(events.size() == 5);
  CHECK(events[0].line == 2);
  CHECK(events[0].type == kDeployment);
  CHECK(events[0].fields[0].text == "AMD");
  CHECK(events[0].fields[1].number == Decimal::from_int(600'000'000));
  CHECK(events[1].line == 3);
  CHECK(events[1].type == kClose);
  CHECK(events[1].fields[0].text == "A \"B\"");
  CHECK(events[1].fields[1].number == dec("123.45"));
  CHECK(events[2].line == 6);
  CHECK(events[2].fields[0].text == "two\nlines");
  CHECK(events[3].line == 8);  // the quoted line break counts
  CHECK(events[3].fields[0].text.empty());
  CHECK(events[4].line == 9);
  CHECK(events[4].fields[1].number == Decimal::from_int(500'000));
  CHECK(reader->undeclared_types().at("trade") == 1);
}

TEST_CASE("CSV: booleans, dates and timestamps", "[read]") {
  const TempLog log("kinds.csv",
                    "ts,type,ok,on,at,n\n"
                    "2026-09-01T00:00:00Z,report,true,2030-10-06,2026-09-01T09:30:00-04:00,7\n"
                    "2026-09-01T00:00:00Z,report,false,1970-01-02,2026-09-01T13:30Z,-0.125\n");
  auto reader = open_log(log);
  const std::vector<Event> events = read_all(*reader);
  REQUIRE(events.size() == 2);
  CHECK(events[0].fields[0].flag);
  CHECK(events[0].fields[1].instant == make_date(2030, 10, 6)->days);
  CHECK(events[0].fields[2].instant == at("2026-09-01T13:30:00Z").micros);
  CHECK(events[0].fields[3].number == Decimal::from_int(7));
  CHECK_FALSE(events[1].fields[0].flag);
  CHECK(events[1].fields[3].number == dec("-0.125"));
}

TEST_CASE("JSON Lines: each bad line names file, line, field", "[read]") {
  struct Case {
    std::string line;
    std::string field;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"not json", "", R"(this line is not a JSON object: it begins "not json")"},
      {"[1,2]", "", R"(this line is not a JSON object: it begins "[1,2]")"},
      {"\x01oops", "", R"(this line is not a JSON object: it begins "\x01oops")"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"close","symbol":"AMD)", "",
       "this line is not a JSON object: a string is not closed"},
      {R"({"ts":"2026-09-01T00:00:00Z","mw":1})", "type", R"(missing field "type")"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":7})", "type",
       R"("type" must be the name of an event type, found 7)"},
      {R"({"type":"deployment","vendor":"AMD","mw":1})", "ts", R"(missing field "ts")"},
      {R"({"ts":1700000000,"type":"deployment"})", "ts",
       R"("ts" must be a timestamp such as "2026-09-01T14:30:00Z", found 1700000000)"},
      {R"({"ts":"yesterday","type":"deployment"})", "ts",
       R"("ts" is not a timestamp: expected a four-digit year, found "yesterday")"},
      {R"({"ts":"2026-09-01T25:00:00Z","type":"deployment"})", "ts",
       R"("ts" is not a timestamp: hour 25 is out of range)"},
      {R"({"ts":"2026-09-01T14:30:00","type":"deployment"})", "ts",
       R"("ts" is not a timestamp: "2026-09-01T14:30:00" has no time zone (end it with Z or an )"
       R"(offset such as +02:00))"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD"})", "mw",
       R"(missing field "mw" of deployment event)"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD","mw":"abc"})", "mw",
       R"(deployment event: field "mw" must be a number, found "abc")"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD","mw":"1_000"})", "mw",
       R"(deployment event: field "mw" must be a number, found "1_000")"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD","mw":")" +
           std::string(50, '9') + "x\"}",
       "mw",
       R"(deployment event: field "mw" must be a number, found ")" + std::string(40, '9') + "…\""},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD","mw":true})", "mw",
       R"(deployment event: field "mw" must be a number, found true)"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD","mw":null})", "mw",
       R"(deployment event: field "mw" must be a number, found null)"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD","mw":[600]})", "mw",
       R"(deployment event: field "mw" must be a number, found an array)"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":12,"mw":1})", "vendor",
       R"(deployment event: field "vendor" must be text, found 12)"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":{"a":1},"mw":1})", "vendor",
       R"(deployment event: field "vendor" must be text, found an object)"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD","mw":1e40})", "mw",
       "deployment event: field \"mw\" is out of range: the number 1e40 needs more digits than a "
       "number can hold"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"report","ok":"yes","on":"2030-10-06",)"
       R"("at":"2026-09-01T00:00:00Z","n":1})",
       "ok", R"(report event: field "ok" must be true or false, found "yes")"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"report","ok":true,"on":"2026-02-30",)"
       R"("at":"2026-09-01T00:00:00Z","n":1})",
       "on",
       "report event: field \"on\" is not a date: 2026-02-30 is not a date: February 2026 "
       "has 28 days"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"report","ok":true,"on":20301006,)"
       R"("at":"2026-09-01T00:00:00Z","n":1})",
       "on", R"(report event: field "on" must be a date such as "2030-10-06", found 20301006)"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"report","ok":true,"on":"2030-10-06",)"
       R"("at":"2026-09-01 00:00","n":1})",
       "at",
       "report event: field \"at\" is not a timestamp: \"2026-09-01 00:00\" has no time "
       "zone (end it with Z or an offset such as +02:00)"},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    const TempLog log(
        "bad.jsonl", std::string(kGoodLine) + "\n" + c.line + "\n" + std::string(kGoodLine) + "\n");
    auto reader = open_log(log);
    Event event;
    REQUIRE(reader->next(event));
    CHECK_FALSE(reader->next(event));
    REQUIRE(reader->error().has_value());
    CHECK(reader->error()->file == log.path());
    CHECK(reader->error()->line == 2);
    CHECK(reader->error()->field == c.field);
    CHECK(reader->error()->message == c.message);
    CHECK(render(*reader->error()) == log.path() + ":2: error: " + c.message);
    CHECK_FALSE(reader->next(event));  // stays stopped
  }
}

TEST_CASE("JSON Lines: every line is validated whole, of a declared type or not", "[read]") {
  struct Case {
    std::string line;
    std::string field;
    std::string message;
  };
  const std::string digits400(400, '7');
  const std::vector<Case> cases = {
      // Lines of a type no contract declares (trade) are checked as strictly as the others.
      {R"({"ts":"2026-09-01T00:00:00Z","type":"trade","px":"1")", "",
       "this line is not a JSON object: a brace, bracket, comma, colon or key is missing or extra"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"trade"} {"ts":"2026-09-01T00:00:00Z"})", "",
       "this line is not a JSON object: something follows the object's closing brace on the "
       "same line"},
      {R"({"ts":"2026-09-01T25:00:00Z","type":"trade"})", "ts",
       R"("ts" is not a timestamp: hour 25 is out of range)"},
      {R"({"type":"trade","px":"1"})", "ts", R"(missing field "ts")"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"trade","px":"1","px":"2"})", "px",
       R"(the key "px" appears twice in this object)"},
      {R"({"ts":"2026-09-01T00:00:00Z","ts":"2026-09-02T00:00:00Z","type":"trade"})", "ts",
       R"(the key "ts" appears twice in this object)"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"trade","qty":)" + digits400 + "}", "qty",
       R"(field "qty": a number has 400 digits, more than the 100 a log may use)"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"trade","x":[1,tru]})", "x",
       R"(field "x": tru is not true or false)"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"trade","x":{"a":1,"a":2}})", "x",
       R"(field "x": the key "a" appears twice in one object)"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"trade","x":"a\q"})", "x",
       R"(field "x": a string has a bad escape or control character)"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"trade","x":01})", "x",
       R"(field "x": 01 is not a number)"},
      // Lines of declared types: a key twice, content after the object, an unread field.
      {R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD","mw":1,"mw":2})", "mw",
       R"(the key "mw" appears twice in this object)"},
      {std::string(kGoodLine) + " " + std::string(kGoodLine), "",
       "this line is not a JSON object: something follows the object's closing brace on the "
       "same line"},
      {R"({"ts":"2026-09-01T00:00:00Z","type":"deployment","vendor":"AMD","mw":1,"note":nul})",
       "note", R"(field "note": nul is not null)"},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    const TempLog log(
        "bad.jsonl", std::string(kGoodLine) + "\n" + c.line + "\n" + std::string(kGoodLine) + "\n");
    auto reader = open_log(log);
    Event event;
    REQUIRE(reader->next(event));
    CHECK_FALSE(reader->next(event));
    REQUIRE(reader->error().has_value());
    CHECK(reader->error()->line == 2);
    CHECK(reader->error()->field == c.field);
    CHECK(reader->error()->message == c.message);
  }
}

TEST_CASE("Timestamps of undeclared lines keep the log's order too", "[read]") {
  const std::string declared = R"({"ts":"2026-09-01T12:00:00Z","type":"milestone","name":"a"})";
  // 1 ms earlier than the line before; an earlier instant written with a later-looking offset.
  for (const std::string& late :
       {std::string(R"({"ts":"2026-09-01T11:59:59.999Z","type":"trade"})"),
        std::string(R"({"ts":"2026-09-01T13:00:00+02:00","type":"trade"})")}) {
    INFO(late);
    const TempLog log("late.jsonl", declared + "\n" + late + "\n");
    auto reader = open_log(log);
    read_all(*reader);
    REQUIRE(reader->error().has_value());
    CHECK(reader->error()->line == 2);
    CHECK(reader->error()->field == "ts");
    CHECK(reader->error()->message.find("is earlier than the previous event's "
                                        "2026-09-01T12:00:00Z (line 1)") != std::string::npos);
  }
  SECTION("an undeclared line sets the time that later declared lines must keep") {
    const TempLog log("late.jsonl", R"({"ts":"2026-09-01T13:00:00Z","type":"trade"})"
                                    "\n" +
                                        declared + "\n");
    auto reader = open_log(log);
    CHECK(read_all(*reader).empty());
    REQUIRE(reader->error().has_value());
    CHECK(reader->error()->line == 2);
  }
  SECTION("lenient reading skips a late undeclared line without counting it as passed over") {
    const TempLog log("late.jsonl", declared + "\n" +
                                        R"({"ts":"2026-09-01T11:00:00Z","type":"trade"})" + "\n" +
                                        R"({"ts":"2026-09-01T12:30:00Z","type":"trade"})" + "\n");
    ReadOptions options;
    options.skip_bad_lines = true;
    auto reader = open_log(log, options);
    CHECK(read_all(*reader).size() == 1);
    CHECK(reader->skipped_lines() == 1);
    const std::map<std::string, std::uint64_t, std::less<>> undeclared{{"trade", 1}};
    CHECK(reader->undeclared_types() == undeclared);
  }
}

TEST_CASE("CSV: each bad row names file, line, field", "[read]") {
  const std::string header = "ts,type,vendor,mw,ok,on,at,n\n";
  const std::string good = "2026-09-01T00:00:00Z,deployment,AMD,600,,,,\n";
  struct Case {
    std::string row;
    std::string field;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"2026-09-01T00:00:00Z,deployment,AMD,,,,,", "mw",
       R"(missing field "mw" of deployment event)"},
      {"2026-09-01T00:00:00Z,deployment,AMD,abc,,,,", "mw",
       R"(deployment event: field "mw" must be a number, found "abc")"},
      {"2026-09-01T00:00:00Z,deployment,AMD,\"\",,,,", "mw",
       R"(deployment event: field "mw" must be a number, found "")"},
      {"2026-09-01T00:00:00Z,,AMD,1,,,,", "type", R"(missing field "type")"},
      {",deployment,AMD,1,,,,", "ts", R"(missing field "ts")"},
      {"2026-09-01,deployment,AMD,1,,,,", "ts",
       R"("ts" is not a timestamp: expected 'T' or a space after the date, found the end)"},
      {"2026-09-01T00:00:00Z,deployment,AMD,1", "",
       "this row has 4 cells but the header row has 8"},
      {"2026-09-01T00:00:00Z,deployment,\"AMD\"x,1,,,,", "",
       R"(a quoted cell must end at its closing quote, found "x" after it)"},
      {"2026-09-01T00:00:00Z,report,,,yes,2030-10-06,2026-09-01T00:00:00Z,1", "ok",
       R"(report event: field "ok" must be true or false, found "yes")"},
      // Rows of a type no contract declares: their timestamp is read; no row may hold bytes
      // that are not text.
      {"2026-09-01T25:30:00Z,trade,,,,,,", "ts",
       R"("ts" is not a timestamp: hour 25 is out of range)"},
      {",trade,,,,,,", "ts", R"(missing field "ts")"},
      {std::string("2026-09-01T00:00:00Z,trade,A\0B,,,,,", 35), "",
       "this row holds a NUL byte (at byte 29)"},
      {"2026-09-01T00:00:00Z,trade,\xff,,,,,", "", "this row is not valid UTF-8"},
  };
  for (const Case& c : cases) {
    INFO(c.row);
    const TempLog log("bad.csv", header + good + c.row + "\n" + good);
    auto reader = open_log(log);
    Event event;
    REQUIRE(reader->next(event));
    CHECK(event.line == 2);
    CHECK_FALSE(reader->next(event));
    REQUIRE(reader->error().has_value());
    CHECK(reader->error()->line == 3);
    CHECK(reader->error()->field == c.field);
    CHECK(reader->error()->message == c.message);
  }
}

TEST_CASE("CSV: header and file-level errors", "[read]") {
  CHECK(
      strip_folder(first_error("h.csv", "time,type,mw\n1,2,3\n")) ==
      expected("h.csv", 1,
               R"(the first row must be a header naming the columns, "ts" and "type" among them)"));
  CHECK(strip_folder(first_error("h.csv", "\nts,type,ts\n")) ==
        expected("h.csv", 2, R"(the header row names the column "ts" twice)"));
  CHECK(strip_folder(first_error(
            "q.csv", "ts,type,vendor,mw\n" +
                         std::string("2026-09-01T00:00:00Z,deployment,\"AMD,1\n\n\n"))) ==
        expected("q.csv", 2, "a quoted cell is not closed before the end of the file"));
  // A broken header stops even a lenient reader: nothing after it can be read.
  ReadOptions lenient;
  lenient.skip_bad_lines = true;
  CHECK(
      strip_folder(first_error("h.csv", "a,b\n1,2\n", lenient)) ==
      expected("h.csv", 1,
               R"(the first row must be a header naming the columns, "ts" and "type" among them)"));
  // An empty CSV file is an empty log.
  const TempLog empty("empty.csv", "");
  auto reader = open_log(empty);
  CHECK(read_all(*reader).empty());
  CHECK_FALSE(reader->error().has_value());
}

TEST_CASE("A timestamp going backwards stops the log unless reordering", "[read]") {
  const std::string content =
      R"({"ts":"2026-09-01T10:00:00Z","type":"milestone","name":"a"})"
      "\n"
      R"({"ts":"2026-09-01T10:30:00Z","type":"trade"})"  // undeclared, in order
      "\n"
      R"({"ts":"2026-09-01T12:00:00Z","type":"milestone","name":"b"})"
      "\n"
      R"({"ts":"2026-09-01T11:00:00Z","type":"milestone","name":"c"})"
      "\n"
      R"({"ts":"2026-09-01T12:00:00Z","type":"milestone","name":"d"})"
      "\n"
      R"({"ts":"2026-09-01T11:00:00Z","type":"milestone","name":"e"})"
      "\n"
      R"({"ts":"2026-09-01T13:00:00Z","type":"milestone","name":"f"})"
      "\n";
  const auto names = [](const std::vector<Event>& events) {
    std::string result;
    for (const Event& event : events) result += event.fields[0].text;
    return result;
  };

  SECTION("strict") {
    const TempLog log("order.jsonl", content);
    auto reader = open_log(log);
    const std::vector<Event> events = read_all(*reader);
    CHECK(names(events) == "ab");
    REQUIRE(reader->error().has_value());
    CHECK(render(*reader->error()) ==
          log.path() +
              ":4: error: timestamp 2026-09-01T11:00:00Z is earlier than the previous event's "
              "2026-09-01T12:00:00Z (line 3); use --reorder WINDOW to accept late events");
    CHECK(reader->error()->field == "ts");
  }
  SECTION("a window of an hour puts them in order; ties keep line order") {
    const TempLog log("order.jsonl", content);
    ReadOptions options;
    options.reorder_window_micros = 3600 * kMicrosPerSecond;
    auto reader = open_log(log, options);
    const std::vector<Event> events = read_all(*reader);
    CHECK_FALSE(reader->error().has_value());
    CHECK(names(events) == "acebdf");
    std::vector<std::uint64_t> lines;
    for (const Event& event : events) lines.push_back(event.line);
    CHECK(lines == std::vector<std::uint64_t>{1, 4, 6, 3, 5, 7});
  }
  SECTION("an event later than the window is an error naming how late it is") {
    const TempLog log("order.jsonl", content);
    ReadOptions options;
    options.reorder_window_micros = 30 * 60 * kMicrosPerSecond + 500'000;
    auto reader = open_log(log, options);
    // What was read before the late event is still delivered, in order.
    CHECK(names(read_all(*reader)) == "ab");
    REQUIRE(reader->error().has_value());
    CHECK(render(*reader->error()) ==
          log.path() +
              ":4: error: timestamp 2026-09-01T11:00:00Z is 1h late, more than the reorder "
              "window of 30m 0.5s: the log had already reached 2026-09-01T12:00:00Z (line 3)");
  }
  SECTION("lenient reading skips the late events and reports them") {
    const TempLog log("order.jsonl", content);
    ReadOptions options;
    options.skip_bad_lines = true;
    auto reader = open_log(log, options);
    CHECK(names(read_all(*reader)) == "abdf");
    CHECK_FALSE(reader->error().has_value());
    CHECK(reader->skipped_lines() == 2);
    REQUIRE(reader->first_skipped().size() == 2);
    CHECK(reader->first_skipped()[0].line == 4);
    CHECK(reader->first_skipped()[1].line == 6);
    CHECK(reader->first_skipped()[1].message ==
          "timestamp 2026-09-01T11:00:00Z is earlier than the previous event's "
          "2026-09-01T12:00:00Z (line 5); use --reorder WINDOW to accept late events");
  }
}

TEST_CASE("Reordering releases events as the window passes, and a bad line after them", "[read]") {
  std::string content;
  // 2000 events, each pair swapped: 1 s apart, reordered within a window of 1 s.
  for (int i = 0; i < 2000; ++i) {
    const int second = i % 2 == 0 ? i + 1 : i - 1;
    content +=
        fmt::format(R"({{"ts":"2026-09-01T00:{:02}:{:02}Z","type":"milestone","name":"{}"}})",
                    second / 60, second % 60, second) +
        "\n";
  }
  content += "oops\n";
  const TempLog log("many.jsonl", content);
  ReadOptions options;
  options.reorder_window_micros = kMicrosPerSecond;
  auto reader = open_log(log, options);
  const std::vector<Event> events = read_all(*reader);
  REQUIRE(events.size() == 2000);
  for (std::size_t i = 0; i < events.size(); ++i) {
    INFO(i);
    REQUIRE(events[i].fields[0].text == std::to_string(i));
  }
  REQUIRE(reader->error().has_value());
  CHECK(reader->error()->line == 2001);
  CHECK(reader->error()->message == R"(this line is not a JSON object: it begins "oops")");
}

TEST_CASE("Lenient reading skips bad lines, counts them and keeps the first five", "[read]") {
  std::string content;
  for (int i = 1; i <= 10; ++i) {
    content += i % 3 == 0 ? std::string(R"({"ts":"2026-09-01T00:00:00Z","type":"deployment"})")
                          : std::string(kGoodLine);
    content += i == 5 ? "\nnot json\n" : "\n";
  }
  content +=
      "{\"ts\":\"2026-09-01T00:00:00Z\",\"type\":\"deployment\",\"vendor\":\"AMD\",\"mw\":\"x\"}";
  const TempLog log("lenient.jsonl", content);
  ReadOptions options;
  options.skip_bad_lines = true;
  auto reader = open_log(log, options);
  const std::vector<Event> events = read_all(*reader);
  CHECK(events.size() == 7);
  CHECK_FALSE(reader->error().has_value());
  CHECK(reader->skipped_lines() == 5);
  REQUIRE(reader->first_skipped().size() == kKeptBadLines);
  std::vector<std::uint64_t> lines;
  for (const ReadError& error : reader->first_skipped()) lines.push_back(error.line);
  CHECK(lines == std::vector<std::uint64_t>{3, 6, 7, 10, 12});
  CHECK(reader->first_skipped()[0].message == R"(missing field "vendor" of deployment event)");
  CHECK(reader->first_skipped()[1].message ==
        R"(this line is not a JSON object: it begins "not json")");
  CHECK(reader->first_skipped()[4].message ==
        R"(deployment event: field "mw" must be a number, found "x")");

  // Six bad lines: all counted, five kept.
  const TempLog more("lenient.jsonl", content + "\nbad\n");
  auto again = open_log(more, options);
  read_all(*again);
  CHECK(again->skipped_lines() == 6);
  CHECK(again->first_skipped().size() == 5);
}

TEST_CASE("Merging logs: by timestamp, ties by log order then line", "[read]") {
  const TempLog first("a.jsonl", R"({"ts":"2026-09-01T00:00:00Z","type":"milestone","name":"a1"})"
                                 "\n"
                                 R"({"ts":"2026-09-01T00:00:02Z","type":"milestone","name":"a2"})"
                                 "\n"
                                 R"({"ts":"2026-09-01T00:00:02Z","type":"milestone","name":"a3"})"
                                 "\n"
                                 R"({"ts":"2026-09-01T00:00:05Z","type":"milestone","name":"a4"})"
                                 "\n");
  const TempLog second("b.csv",
                       "ts,type,name\n"
                       "2026-09-01T00:00:01Z,milestone,b1\n"
                       "2026-09-01T00:00:02Z,milestone,b2\n"
                       "2026-09-01T00:00:02Z,trade,b-\n"
                       "2026-09-01T00:00:02Z,milestone,b3\n"
                       "2026-09-01T00:00:06Z,milestone,b4\n");
  const TempLog third("c.jsonl", "");

  MergedEvents merged;
  // The second log is given first: ties go to it.
  merged.add(open_log(second, {}, 0));
  merged.add(open_log(first, {}, 1));
  merged.add(open_log(third, {}, 2));
  std::vector<std::string> order;
  Event event;
  while (merged.next(event)) {
    order.push_back(fmt::format("{}@{}:{}", event.fields[0].text, event.log, event.line));
  }
  CHECK_FALSE(merged.error().has_value());
  CHECK(order == std::vector<std::string>{"a1@1:1", "b1@0:2", "b2@0:3", "b3@0:5", "a2@1:2",
                                          "a3@1:3", "a4@1:4", "b4@0:6"});
  CHECK(merged.readers()[0]->undeclared_types().at("trade") == 1);
}

TEST_CASE("Merging stops at the first bad line of any log", "[read]") {
  const TempLog first("a.jsonl", R"({"ts":"2026-09-01T00:00:00Z","type":"milestone","name":"a1"})"
                                 "\n"
                                 R"({"ts":"2026-09-01T00:00:03Z","type":"milestone","name":"a2"})"
                                 "\n");
  const TempLog second("b.jsonl", R"({"ts":"2026-09-01T00:00:01Z","type":"milestone","name":"b1"})"
                                  "\n"
                                  R"({"ts":"2026-09-01T00:00:02Z","type":"milestone"})"
                                  "\n");
  MergedEvents merged;
  merged.add(open_log(first, {}, 0));
  merged.add(open_log(second, {}, 1));
  std::vector<std::string> names;
  Event event;
  while (merged.next(event)) names.push_back(event.fields[0].text);
  CHECK(names == std::vector<std::string>{"a1", "b1"});
  REQUIRE(merged.error().has_value());
  CHECK(render(*merged.error()) ==
        second.path() + R"(:2: error: missing field "name" of milestone event)");
}

TEST_CASE("Opening logs: formats, names and failures", "[read]") {
  CHECK(format_from_extension("a/b.jsonl") == LogFormat::jsonl);
  CHECK(format_from_extension("b.json") == LogFormat::jsonl);
  CHECK(format_from_extension("b.csv") == LogFormat::csv);
  CHECK_FALSE(format_from_extension("b.txt").has_value());
  CHECK_FALSE(format_from_extension("csv").has_value());

  ReadError error;
  CHECK(EventReader::open("/nonexistent/x.jsonl", std::nullopt, kSchemas, 0, {}, error) == nullptr);
  CHECK(render(error) ==
        "/nonexistent/x.jsonl: error: cannot open this log: No such file or directory");

  const TempLog text("log.txt", std::string(kGoodLine) + "\n");
  CHECK(EventReader::open(text.path(), std::nullopt, kSchemas, 0, {}, error) == nullptr);
  CHECK(error.message ==
        "cannot tell the format of this log from its name (.jsonl, .json or .csv); give "
        "--input-format jsonl or csv");
  CHECK(EventReader::open("-", std::nullopt, kSchemas, 0, {}, error) == nullptr);
  CHECK(render(error) ==
        "<stdin>: error: give the format of standard input: --input-format jsonl or csv");

  // An explicit format wins over the name.
  auto reader = open_log(text, {}, 0, LogFormat::jsonl);
  CHECK(read_all(*reader).size() == 1);
  CHECK(render(ReadError{"x.csv", 0, "", "m"}) == "x.csv: error: m");
  CHECK(render(ReadError{"x.csv", 7, "mw", "m"}) == "x.csv:7: error: m");
}

TEST_CASE("A byte order mark before the first line is ignored", "[read]") {
  const TempLog jsonl("bom.jsonl", "\xEF\xBB\xBF" + std::string(kGoodLine) + "\n");
  auto reader = open_log(jsonl);
  CHECK(read_all(*reader).size() == 1);
  CHECK_FALSE(reader->error().has_value());
  const TempLog csv("bom.csv", "\xEF\xBB\xBFts,type,name\n2026-09-01T00:00:00Z,milestone,m\n");
  reader = open_log(csv);
  CHECK(read_all(*reader).size() == 1);
  CHECK_FALSE(reader->error().has_value());
}

TEST_CASE("Standard input is read like a file, named <stdin>", "[read]") {
  const TempLog log("in.csv", "ts,type,name\n2026-09-01T00:00:00Z,milestone,m\nbad\n");
  const int saved = ::dup(0);
  REQUIRE(saved >= 0);
  {
    std::FILE* file = std::fopen(log.path().c_str(), "rb");
    REQUIRE(file != nullptr);
    REQUIRE(::dup2(::fileno(file), 0) == 0);
    std::fclose(file);
  }
  ReadError error;
  auto reader = EventReader::open("-", LogFormat::csv, kSchemas, 0, {}, error);
  REQUIRE(reader != nullptr);
  const std::vector<Event> events = read_all(*reader);
  const std::optional<ReadError> stopped = reader->error();
  reader.reset();
  REQUIRE(::dup2(saved, 0) == 0);  // the reader leaves standard input open; restore the original
  ::close(saved);
  CHECK(events.size() == 1);
  REQUIRE(stopped.has_value());
  CHECK(render(*stopped) == "<stdin>:3: error: this row has 1 cell but the header row has 3");
}

TEST_CASE("Instants past the supported dates once their offset applies are line errors", "[read]") {
  // Within the accepted years as written, outside them in UTC (or within a day of their ends,
  // where some zone's local date leaves them): each is the line's error, not a later abort.
  for (const std::string_view ts : {"9999-12-31T23:00:00-05:00", "9999-12-31T00:00:00Z",
                                    "1400-01-01T00:00:00Z", "1400-01-01 23:59:59.999999Z"}) {
    INFO(ts);
    CHECK(strip_folder(first_error(
              "edge.jsonl",
              fmt::format(R"({{"ts":"9999-12-30T00:00:00Z","type":"milestone","name":"a"}})"
                          "\n"
                          R"({{"ts":"{}","type":"milestone","name":"b"}})",
                          ts))) ==
          expected("edge.jsonl", 2,
                   fmt::format("\"ts\" is not a timestamp: \"{}\" is out of range: an event's "
                               "time must lie from 1400-01-02T00:00:00Z to "
                               "9999-12-30T23:59:59.999999Z, a day inside the supported dates",
                               ts)));
  }
}

TEST_CASE("Long logs and long lines stream through the buffer", "[read]") {
  std::string content;
  const std::string wide(3 << 20, 'w');  // a 3 MiB value: longer than one read chunk
  for (int i = 0; i < 30'000; ++i) {
    if (i == 12'345) {
      content += R"({"ts":"2026-09-01T00:00:00Z","type":"milestone","name":")" + wide + "\"}\n";
    } else if (i % 2 == 0) {
      content += std::string(kGoodLine) + "\n";
    } else {
      content += R"({"ts":"2026-09-01T00:00:00Z","type":"trade","symbol":"AMD","px":"1.5"})"
                 "\n";
    }
  }
  const TempLog log("long.jsonl", content);
  auto reader = open_log(log);
  Event event;
  std::uint64_t count = 0, last_line = 0;
  bool saw_wide = false;
  while (reader->next(event)) {
    ++count;
    last_line = event.line;
    if (event.type == kMilestone) saw_wide = event.fields[0].text == wide && event.line == 12'346;
  }
  CHECK_FALSE(reader->error().has_value());
  CHECK(count == 15'001);
  CHECK(last_line == 29'999);
  CHECK(saw_wide);
  CHECK(reader->undeclared_types().at("trade") == 14'999);
}

}  // namespace
}  // namespace proviso
