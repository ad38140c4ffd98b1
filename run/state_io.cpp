// Saving and restoring the engine's state as text: one line per metric, window, clause and
// timer, exact decimals as numerator/denominator, so a replay split in two with save and
// resume gives exactly the transitions of one uninterrupted replay. The text is sealed by
// state_file (format line, checksum line) and carries each contract's plan fingerprint;
// every number read back is checked against the loaded contracts before any of it is used.
#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

#include "run/fingerprint.hpp"
#include "run/reports.hpp"
#include "run/runtime.hpp"
#include "run/state_file.hpp"

namespace proviso {

namespace {

std::string int128_text(int128 value) {
  if (value == 0) return "0";
  const bool negative = value < 0;
  std::string digits;
  while (value != 0) {
    const int digit = static_cast<int>(value % 10);
    digits.push_back(static_cast<char>('0' + (negative ? -digit : digit)));
    value /= 10;
  }
  if (negative) digits.push_back('-');
  return std::string(digits.rbegin(), digits.rend());
}

std::string exact(const Decimal& value) {
  return int128_text(value.numerator()) + "/" + int128_text(value.denominator());
}

std::string optional_time(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : "-";
}

// Text as length:bytes, so any byte may appear in it.
std::string text_field(std::string_view text) {
  return fmt::format("{}:{}", text.size(), text);
}

// The instants and dates every formatter and calendar accepts.
constexpr std::int64_t kFirstMicros = std::int64_t{kMinDate.days} * kMicrosPerDay;
constexpr std::int64_t kLastMicros = (std::int64_t{kMaxDate.days} + 1) * kMicrosPerDay - 1;

// A state that cannot be restored, and the line (1-based) where reading it failed.
struct StateError {
  std::uint64_t line = 0;
  std::string message;
};

// Reads the words of a state; every failure names the line it is on.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  [[noreturn]] void fail(const std::string& message) const {
    const auto line =
        1 + std::count(text_.begin(), text_.begin() + static_cast<long>(start_), '\n');
    throw StateError{static_cast<std::uint64_t>(line), message};
  }

  std::string_view word() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n')) ++pos_;
    start_ = pos_;
    while (pos_ < text_.size() && text_[pos_] != ' ' && text_[pos_] != '\n') ++pos_;
    if (start_ == pos_) fail("the state ends too early");
    return text_.substr(start_, pos_ - start_);
  }
  bool at_end() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n')) ++pos_;
    return pos_ == text_.size();
  }
  void expect(std::string_view wanted) {
    const std::string_view found = word();
    if (found != wanted) fail(fmt::format("expected '{}', found '{}'", wanted, found));
  }
  /// A whole number in [low, high]; `what` names it in the error.
  std::int64_t integer(std::string_view what, std::int64_t low = INT64_MIN,
                       std::int64_t high = INT64_MAX) {
    const std::string_view w = word();
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(w.data(), w.data() + w.size(), value);
    if (error != std::errc() || end != w.data() + w.size()) {
      fail(fmt::format("{} is '{}', not a whole number", what, w));
    }
    if (value < low || value > high) {
      fail(fmt::format("{} is {}, outside {}..{}", what, value, low, high));
    }
    return value;
  }
  std::uint32_t count(std::string_view what, std::uint64_t high) {
    return static_cast<std::uint32_t>(
        integer(what, 0, static_cast<std::int64_t>(std::min<std::uint64_t>(high, UINT32_MAX))));
  }
  bool flag(std::string_view what) { return integer(what, 0, 1) != 0; }
  std::int64_t instant(std::string_view what) {
    const std::int64_t micros = integer(what);
    if (micros < kFirstMicros || micros > kLastMicros) {
      fail(
          fmt::format("{} is {} microseconds after 1970, outside the supported dates "
                      "1400-01-01 to 9999-12-31",
                      what, micros));
    }
    return micros;
  }
  std::int32_t day(std::string_view what) {
    const std::int64_t days = integer(what);
    if (days < kMinDate.days || days > kMaxDate.days) {
      fail(
          fmt::format("{} is {} days after 1970, outside the supported dates 1400-01-01 to "
                      "9999-12-31",
                      what, days));
    }
    return static_cast<std::int32_t>(days);
  }
  /// Whether the next word is `wanted`, taking it if so: for the optional parts of a line.
  bool next_is(std::string_view wanted) {
    if (at_end()) return false;
    const std::size_t saved = pos_;
    if (word() == wanted) return true;
    pos_ = saved;
    return false;
  }
  bool none() {
    const std::size_t saved = pos_;
    if (word() == "-") return true;
    pos_ = saved;
    return false;
  }
  std::optional<std::int64_t> optional_instant(std::string_view what) {
    if (none()) return std::nullopt;
    return instant(what);
  }
  std::uint64_t hex(std::string_view what) {
    const std::string_view w = word();
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(w.data(), w.data() + w.size(), value, 16);
    if (error != std::errc() || end != w.data() + w.size()) {
      fail(fmt::format("{} is '{}', not a hexadecimal number", what, w));
    }
    return value;
  }
  Decimal decimal(std::string_view what) {
    const std::string_view w = word();
    const std::size_t slash = w.find('/');
    try {
      const auto num = Decimal::parse(w.substr(0, slash));
      const auto den =
          slash == std::string_view::npos ? std::nullopt : Decimal::parse(w.substr(slash + 1));
      if (num && den && !den->is_zero()) return *num / *den;
    } catch (const ArithmeticError&) {
    }
    fail(fmt::format("{} is '{}', not an exact number", what, w));
  }
  std::string text(std::string_view what) {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
    start_ = pos_;
    const std::size_t colon = text_.find(':', pos_);
    std::size_t length = 0;
    const char* digits_end = colon == std::string_view::npos ? nullptr : text_.data() + colon;
    if (digits_end == nullptr ||
        std::from_chars(text_.data() + pos_, digits_end, length).ptr != digits_end) {
      fail(fmt::format("{} is not a text field (length:bytes)", what));
    }
    if (length > text_.size() - colon - 1) fail(fmt::format("{} is cut short", what));
    std::string value(text_.substr(colon + 1, length));
    pos_ = colon + 1 + length;
    return value;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t start_ = 0;  // of the word read last, for the line in errors
};

// One contract's state as read, kept apart until the whole file has been read and checked,
// so that a refused state leaves the engine as it was.
struct RestoredContract {
  bool started = false;
  bool expired = false;
  std::vector<MetricState> metrics;
  std::vector<WindowState> windows;
  std::vector<std::optional<std::int64_t>> latches;
  Decimal split_factor;
  std::vector<ClauseState> clauses;
  std::vector<std::optional<std::int64_t>> period_ends;
  std::shared_ptr<ReportBook> reports;  // with its reports, not its closed periods
};

// A report's fields, one word each in the schema's order: what copies and corrections compare.
void write_figure(std::string& out, const EventSchema& schema,
                  const std::vector<FieldSlot>& fields) {
  for (std::size_t f = 0; f < schema.fields.size(); ++f) {
    const FieldSlot& slot = fields[f];
    switch (schema.fields[f].type.kind) {
      case Kind::number:
      case Kind::quantity:
        out += " " + exact(slot.number);
        break;
      case Kind::timestamp:
      case Kind::date:
        out += fmt::format(" {}", slot.instant);
        break;
      case Kind::boolean:
        out += slot.flag ? " 1" : " 0";
        break;
      case Kind::text:
        out += " " + text_field(slot.text);
        break;
      case Kind::duration:
      case Kind::error:
      case Kind::clause:
        out += " -";
        break;
    }
  }
}

// `reports TYPES`, then for each event type `type NAME COUNT` and one `report` line per report:
// its instant, the line of its latest figure, its ids, and its figures, latest first.
void write_reports(std::string& out, const ReportBook& book, const EventSchemas& schemas) {
  std::size_t types = 0;
  for (const auto& type : book.types) types += type ? 1 : 0;
  out += fmt::format("reports {}\n", types);
  for (std::size_t t = 0; t < book.types.size(); ++t) {
    if (!book.types[t]) continue;
    const ReportType& type = *book.types[t];
    const EventSchema& schema = schemas.events[t];
    out += fmt::format("type {} {}\n", text_field(schema.name), type.reports.size());
    std::vector<std::vector<std::string_view>> ids(type.reports.size());
    for (const auto& [id, report] : type.by_id) ids[report].push_back(id);
    for (std::size_t r = 0; r < type.reports.size(); ++r) {
      const Report& report = type.reports[r];
      std::sort(ids[r].begin(), ids[r].end());  // a map's order is not the same twice
      out += fmt::format("report {} {} {}", report.figure.ts.micros, text_field(report.where),
                         ids[r].size());
      for (std::string_view id : ids[r]) out += " " + text_field(id);
      out += fmt::format(" {}", 1 + report.earlier.size());
      write_figure(out, schema, report.figure.fields);
      for (const auto& earlier : report.earlier) write_figure(out, schema, earlier);
      out += "\n";
    }
  }
}

std::vector<FieldSlot> read_figure(Reader& in, const EventSchema& schema) {
  std::vector<FieldSlot> fields(schema.fields.size());
  for (std::size_t f = 0; f < schema.fields.size(); ++f) {
    FieldSlot& slot = fields[f];
    switch (schema.fields[f].type.kind) {
      case Kind::number:
      case Kind::quantity:
        slot.number = in.decimal("a report's field");
        break;
      case Kind::timestamp:
      case Kind::date:
        slot.instant = in.integer("a report's field");
        break;
      case Kind::boolean:
        slot.flag = in.flag("a report's field");
        break;
      case Kind::text:
        slot.text = in.text("a report's field");
        break;
      case Kind::duration:
      case Kind::error:
      case Kind::clause:
        in.expect("-");
        break;
    }
  }
  return fields;
}

std::shared_ptr<ReportBook> read_reports(Reader& in, const ReportBook& declared,
                                         const EventSchemas& schemas) {
  auto book = std::make_shared<ReportBook>();
  book->types = declared.types;
  for (auto& type : book->types) {
    if (!type) continue;
    type->by_id.clear();
    type->reports.clear();
  }
  in.expect("reports");
  for (auto types = in.count("the number of report types", book->types.size()); types > 0;
       --types) {
    in.expect("type");
    const std::string name = in.text("a report type");
    const std::uint32_t* t = schemas.find(name);
    if (!t || *t >= book->types.size() || !book->types[*t]) {
      in.fail(fmt::format("{} is not an event type with an id in this contract", name));
    }
    ReportType& type = *book->types[*t];
    const EventSchema& schema = schemas.events[*t];
    for (auto reports = in.count("the number of reports", 100'000'000); reports > 0; --reports) {
      in.expect("report");
      Report report;
      report.figure.type = *t;
      report.figure.ts = Timestamp{in.instant("a report's time")};
      report.where = in.text("a report's line");
      for (auto ids = in.count("the number of a report's ids", 100'000'000); ids > 0; --ids) {
        if (!type.by_id.emplace(in.text("a report's id"), type.reports.size()).second) {
          in.fail("an id names two reports");
        }
      }
      const auto figures = in.count("the number of a report's figures", 100'000'000);
      if (figures == 0) in.fail("a report has no figure");
      report.figure.fields = read_figure(in, schema);
      for (auto earlier = figures - 1; earlier > 0; --earlier) {
        report.earlier.push_back(read_figure(in, schema));
      }
      type.reports.push_back(std::move(report));
    }
  }
  return book;
}

// An aggregate's running values, without its window.
void write_scalars(std::string& out, const MetricState& m) {
  out += fmt::format(" {} {} {} {} {} {} {} {} {}", m.has_value ? 1 : 0, exact(m.sum),
                     exact(m.weight_sum), m.count, exact(m.value.number), m.value.time,
                     m.value.months, m.value.flag ? 1 : 0, text_field(m.text));
}

// A VWAP's entries hold value × weight; the state holds the value itself (the day's VWAP),
// as it always has, so states saved before and after read alike.
void write_entries(std::string& out, const std::deque<WindowEntry>& entries, bool vwap) {
  out += fmt::format(" {}", entries.size());
  for (const WindowEntry& e : entries) {
    const Decimal value = vwap && !e.weight.is_zero() ? e.value / e.weight : e.value;
    out += fmt::format(" {} {} {} {} {}", e.seq, e.ts, e.day, exact(value), exact(e.weight));
  }
}

void check_fingerprint(Reader& in, const ContractRuntime& contract, const EventSchemas& schemas) {
  in.expect("plan");
  PlanFingerprint saved;
  saved.whole = in.hex("the plan's fingerprint");
  for (auto parts = in.count("the number of plan parts", 100'000); parts > 0; --parts) {
    in.expect("part");
    PlanPart part;
    part.name = in.text("a plan part's name");
    part.shape = in.hex("a plan part's shape");
    part.full = in.hex("a plan part's fingerprint");
    saved.parts.push_back(std::move(part));
  }
  const std::string changes = describe_changes(saved, fingerprint(contract.plan, schemas));
  if (!changes.empty()) {
    in.fail(fmt::format(
        "the contract \"{}\" has changed since the state was saved: {}; resume with the "
        "contract as it was, or replay the logs from the start",
        contract.plan.title, changes));
  }
}

void read_entries(Reader& in, std::deque<WindowEntry>& entries, std::uint64_t most,
                  const std::string& metric, bool vwap) {
  const auto n =
      in.count(fmt::format("the number of values in the window of metric {}", metric), most);
  for (std::uint32_t i = 0; i < n; ++i) {
    WindowEntry e;
    e.seq = static_cast<std::uint64_t>(in.integer("a window value's number", 0));
    if (!entries.empty() && e.seq <= entries.back().seq) {
      in.fail(fmt::format("the values in the window of metric {} are out of order", metric));
    }
    e.ts = in.instant("a window value's time");
    e.day = in.day("a window value's day");
    e.value = in.decimal("a window value");
    e.weight = in.decimal("a window value's weight");
    if (vwap) e.value = e.value * e.weight;
    entries.push_back(e);
  }
}

void read_scalars(Reader& in, const MetricPlan& plan, MetricState& m) {
  m.has_value = in.flag("has-value");
  m.sum = in.decimal("a sum");
  m.weight_sum = in.decimal("a weight sum");
  m.count = static_cast<std::uint64_t>(in.integer("a count", 0));
  m.value.number = in.decimal("a value");
  m.value.time = plan.type.kind == Kind::timestamp && m.has_value ? in.instant("a time value")
                 : plan.type.kind == Kind::date && m.has_value    ? in.day("a date value")
                                                                  : in.integer("a time value");
  m.value.months =
      static_cast<std::int32_t>(in.integer("a duration's months", INT32_MIN, INT32_MAX));
  m.value.flag = in.flag("a yes/no value");
  m.text = in.text("a text value");
}

MetricState read_metric(Reader& in, const MetricPlan& plan) {
  in.expect("metric");
  MetricState m;
  read_scalars(in, plan, m);
  // Only a windowed metric keeps values, and one over the last N events at most N.
  const std::uint64_t most = !plan.windowed()         ? 0
                             : plan.window_events > 0 ? plan.window_events
                                                      : UINT32_MAX;
  const bool vwap = plan.fn == ast::AggregateFn::vwap;
  read_entries(in, m.window, most, plan.name, vwap);
  const bool extremes = plan.fn == ast::AggregateFn::min || plan.fn == ast::AggregateFn::max;
  read_entries(in, m.extremes, extremes ? m.window.size() : 0, plan.name, false);
  for (const WindowEntry& e : m.extremes) {
    if (std::none_of(m.window.begin(), m.window.end(),
                     [&](const WindowEntry& w) { return w.seq == e.seq; })) {
      in.fail(fmt::format("metric {} keeps an extreme value that is not in its window", plan.name));
    }
  }
  if (plan.period) {
    in.expect("period");
    if (!in.none()) m.period = in.integer("a metric's period");
    if (in.flag("a closed period")) {
      auto closed = std::make_shared<MetricState>();
      read_scalars(in, plan, *closed);
      closed->value.text = closed->text;
      m.closed = std::move(closed);
    }
  }
  return m;
}

WindowState read_window(Reader& in, const DayWindowPlan& plan, std::uint32_t index) {
  in.expect("window");
  WindowState state;
  if (!in.none()) state.current_day = in.day("a window's current day");
  const std::string_view today = in.word();
  if (today != "-" && today != "0" && today != "1") {
    in.fail(fmt::format("a window's sample of today is '{}', not 0, 1 or -", today));
  }
  state.today = today == "-" ? std::nullopt : std::optional<bool>(today == "1");
  // A window keeps at most one sample per day of its span; a longer run was saved with a
  // longer window ("20 of the last 30" edited to "2 of the last 3").
  const auto size = in.count(fmt::format("the number of days in day window {} ({} of the last {})",
                                         index, plan.needed, plan.span),
                             plan.span);
  const std::string_view bits = in.word();
  if (size == 0 ? bits != "-" : bits.size() != size) {
    in.fail(fmt::format("day window {} holds {} days, and its samples are '{}'", index, size,
                        bits.substr(0, 40)));
  }
  state.ring.assign(plan.span, 0);
  for (std::uint32_t i = 0; i < size; ++i) {
    if (bits[i] != '0' && bits[i] != '1') {
      in.fail(
          fmt::format("day window {}'s samples '{}' are not 0s and 1s", index, bits.substr(0, 40)));
    }
    state.ring[i] = bits[i] == '1' ? 1 : 0;
    state.trues += state.ring[i];
  }
  state.size = size;
  return state;
}

ClauseState read_clause(Reader& in, const ClausePlan& plan) {
  in.expect("clause");
  const auto& states = plan.instance->states;
  ClauseState c;
  // stage i follows plan.stages[i - 1]: a clause with 2 stages is at stage 0, 1 or 2.
  // A clause tested per period is at its last period's outcome: met, missed or unknown.
  c.stage = in.count(fmt::format("the stage of clause {}", plan.name),
                     plan.period_test ? states.size() - 1 : plan.stages.size());
  c.lapsed = in.flag("lapsed");
  c.level = static_cast<Level>(in.integer(fmt::format("the level of clause {}", plan.name), 0, 2));
  c.last_level_change = in.optional_instant("a level's time");
  c.deadline_armed = in.flag("deadline-armed");
  c.entered.resize(states.size());
  for (auto& entered : c.entered) {
    const auto at = in.optional_instant(fmt::format("a time clause {} entered a state", plan.name));
    entered = at ? std::optional(Timestamp{*at}) : std::nullopt;
  }
  if (plan.period_test) {
    in.expect("periods");
    const auto count = in.integer("the number of periods tested", 0, INT32_MAX);
    for (std::int64_t i = 0; i < count; ++i) {
      PeriodOutcome p;
      p.index = in.integer("a period");
      p.state = static_cast<std::uint32_t>(in.count("a period's outcome", states.size() - 1));
      p.own = static_cast<std::uint32_t>(in.count("a period's own outcome", states.size() - 1));
      p.end = Timestamp{in.instant("a period's end")};
      // What the period granted and paid, a grant it forgoes for a catch-up, whether a later
      // period caught that up, and what it caught up itself: the running totals add them.
      const auto amount = [&](std::string_view what) {
        return in.none() ? std::nullopt : std::optional(in.decimal(what));
      };
      p.granted = amount("a period's grant");
      p.paid = amount("a period's payment");
      p.forgone = amount("a period's forgone grant");
      p.caught_up = in.flag("caught up");
      p.caught = amount("a period's catch-up");
      if (p.granted) c.period_granted = c.period_granted + *p.granted;
      if (p.paid) c.period_paid = c.period_paid + *p.paid;
      if (plan.grant && plan.grant->cash_price && !in.none()) {
        p.cash = in.decimal("a period's cash in lieu");
        c.period_cash = c.period_cash + *p.cash;
      }
      c.periods.push_back(p);
    }
  }
  // What the clause granted when it was met (states saved before amounts were kept lack it).
  if (in.next_is("amount")) {
    c.granted = in.decimal("the amount a clause granted");
    if (!in.none()) c.granted_cash = in.decimal("the cash in lieu a clause paid");
  }
  return c;
}

RestoredContract read_contract(Reader& in, const ContractRuntime& contract,
                               const EventSchemas& schemas) {
  in.expect("contract");
  const std::string title = in.text("a contract's title");
  if (title != contract.plan.title) {
    in.fail(fmt::format("it was saved with the contract \"{}\", and \"{}\" is loaded", title,
                        contract.plan.title));
  }
  const auto metrics = in.integer("the number of metrics");
  const auto windows = in.integer("the number of windows");
  const auto clauses = in.integer("the number of clauses");
  RestoredContract restored;
  restored.started = in.flag("started");
  restored.expired = in.flag("expired");
  check_fingerprint(in, contract, schemas);
  if (metrics != static_cast<std::int64_t>(contract.metrics.size()) ||
      windows != static_cast<std::int64_t>(contract.windows.size()) ||
      clauses != static_cast<std::int64_t>(contract.clauses.size())) {
    in.fail(fmt::format(
        "it was saved with another version of \"{}\" (other metrics, windows or clauses)", title));
  }
  for (const MetricPlan& metric : contract.plan.metrics) {
    restored.metrics.push_back(read_metric(in, metric));
  }
  for (std::uint32_t w = 0; w < contract.windows.size(); ++w) {
    restored.windows.push_back(read_window(in, contract.running().windows.at(w), w));
  }
  in.expect("latches");
  if (in.integer("the number of latches") != static_cast<std::int64_t>(contract.latches.size())) {
    in.fail(fmt::format("it was saved with another version of \"{}\" (other conditions)", title));
  }
  for (std::size_t i = 0; i < contract.latches.size(); ++i) {
    restored.latches.push_back(in.optional_instant("a latch's time"));
  }
  in.expect("splits");
  restored.split_factor = in.decimal("the split factor");
  if (restored.split_factor.is_negative() || restored.split_factor.is_zero()) {
    in.fail("the split factor is not positive");
  }
  if (!contract.plan.period_rules.empty()) {
    in.expect("periods");
    if (in.integer("the number of period rules") !=
        static_cast<std::int64_t>(contract.plan.period_rules.size())) {
      in.fail(fmt::format("it was saved with another version of \"{}\" (other periods)", title));
    }
    for (std::size_t r = 0; r < contract.plan.period_rules.size(); ++r) {
      restored.period_ends.push_back(in.optional_instant("a period's end"));
    }
  }
  for (const ClausePlan& clause : contract.plan.clauses) {
    restored.clauses.push_back(read_clause(in, clause));
  }
  if (contract.reports) restored.reports = read_reports(in, *contract.reports, schemas);
  return restored;
}

}  // namespace

std::string Engine::save_state() const {
  const Impl& impl = *impl_;
  std::string out =
      fmt::format("proviso-state {}\nclock {}\ncontracts {}\n", kStateFormatVersion,
                  optional_time(impl.clock ? std::optional(impl.clock->micros) : std::nullopt),
                  impl.contracts.size());
  for (const auto& owned : impl.contracts) {
    const ContractRuntime& contract = *owned;
    out += fmt::format("contract {} {} {} {} {} {}\n", text_field(contract.plan.title),
                       contract.metrics.size(), contract.windows.size(), contract.clauses.size(),
                       contract.started ? 1 : 0, contract.expired ? 1 : 0);
    const PlanFingerprint plan = fingerprint(contract.plan, impl.schemas);
    out += fmt::format("plan {:016x} {}\n", plan.whole, plan.parts.size());
    for (const PlanPart& part : plan.parts) {
      out += fmt::format("part {} {:016x} {:016x}\n", text_field(part.name), part.shape, part.full);
    }
    for (std::size_t i = 0; i < contract.metrics.size(); ++i) {
      const MetricState& m = contract.metrics[i];
      out += "metric";
      write_scalars(out, m);
      write_entries(out, m.window, contract.plan.metrics[i].fn == ast::AggregateFn::vwap);
      write_entries(out, m.extremes, false);
      // A period metric: its period, and the state of the period before it once closed.
      if (contract.plan.metrics[i].period) {
        out += fmt::format(" period {} {}", optional_time(m.period), m.closed ? 1 : 0);
        if (m.closed) write_scalars(out, *m.closed);
      }
      out += "\n";
    }
    for (const WindowState& w : contract.windows) {
      std::string bits;
      for (std::uint32_t i = 0; i < w.size; ++i) {
        bits.push_back(w.ring[(w.head + i) % w.ring.size()] ? '1' : '0');
      }
      out += fmt::format(
          "window {} {} {} {}\n",
          optional_time(w.current_day ? std::optional<std::int64_t>(*w.current_day) : std::nullopt),
          w.today ? (*w.today ? "1" : "0") : "-", w.size, bits.empty() ? "-" : bits);
    }
    out += fmt::format("latches {}", contract.latches.size());
    for (const auto& latched : contract.latches) out += " " + optional_time(latched);
    out += "\n";
    out += fmt::format("splits {}\n", exact(contract.split_factor));
    if (!contract.plan.period_rules.empty()) {
      out += fmt::format("periods {}", contract.period_ends.size());
      for (const auto& end : contract.period_ends) out += " " + optional_time(end);
      out += "\n";
    }
    for (const ClauseState& c : contract.clauses) {
      out +=
          fmt::format("clause {} {} {} {} {}", c.stage, c.lapsed ? 1 : 0, static_cast<int>(c.level),
                      optional_time(c.last_level_change), c.deadline_armed ? 1 : 0);
      for (const auto& entered : c.entered) {
        out += " " + optional_time(entered ? std::optional(entered->micros) : std::nullopt);
      }
      const ClausePlan& plan = contract.plan.clauses[&c - contract.clauses.data()];
      if (plan.period_test) {
        out += fmt::format(" periods {}", c.periods.size());
        for (const PeriodOutcome& p : c.periods) {
          const auto amount = [](const std::optional<Decimal>& a) {
            return a ? exact(*a) : std::string("-");
          };
          out += fmt::format(" {} {} {} {} {} {} {} {} {}", p.index, p.state, p.own, p.end.micros,
                             amount(p.granted), amount(p.paid), amount(p.forgone),
                             p.caught_up ? 1 : 0, amount(p.caught));
          if (plan.grant && plan.grant->cash_price) {
            out += " " + (p.cash ? exact(*p.cash) : std::string("-"));
          }
        }
      }
      if (c.granted) {
        out += fmt::format(" amount {} {}", exact(*c.granted),
                           c.granted_cash ? exact(*c.granted_cash) : std::string("-"));
      }
      out += "\n";
    }
    if (contract.reports) write_reports(out, *contract.reports, impl.schemas);
  }
  auto timers = impl.timers;
  while (!timers.empty()) {
    const Timer& t = timers.top();
    out += fmt::format("timer {} {} {} {}\n", t.at, t.contract, t.clause, static_cast<int>(t.kind));
    timers.pop();
  }
  out += "end\n";
  return seal_state(std::move(out));
}

bool Engine::restore_state(std::string_view saved, Diagnostics& diagnostics,
                           const std::string& name) {
  Impl& impl = *impl_;
  // Kept only when the state is refused, for the diagnostic's span.
  const auto refuse = [&](std::uint64_t line, std::string message) {
    impl.fed_texts.push_back(std::make_unique<SourceFile>(SourceFile{name, std::string(saved)}));
    diagnostics.push_back(line_diagnostic(*impl.fed_texts.back(), line, std::move(message)));
    return false;
  };
  std::string why;
  const auto body = unseal_state(saved, why);
  if (!body) return refuse(1, fmt::format("this is not a usable saved state: {}", why));
  std::vector<RestoredContract> contracts;
  decltype(impl.timers) timers;
  std::optional<std::int64_t> clock;
  try {
    Reader in(*body);
    const std::string version = std::to_string(kStateFormatVersion);
    for (std::string_view part : {std::string_view("proviso-state"), std::string_view(version),
                                  std::string_view("clock")}) {
      in.expect(part);
    }
    clock = in.optional_instant("the clock");
    in.expect("contracts");
    const auto count = in.integer("the number of contracts");
    if (count != static_cast<std::int64_t>(impl.contracts.size())) {
      const auto contracts_text = [](std::int64_t n) {
        return fmt::format("{} contract{}", n, n == 1 ? "" : "s");
      };
      in.fail(fmt::format("it was saved with {}, and {} {} loaded", contracts_text(count),
                          contracts_text(static_cast<std::int64_t>(impl.contracts.size())),
                          impl.contracts.size() == 1 ? "is" : "are"));
    }
    for (const auto& owned : impl.contracts) {
      contracts.push_back(read_contract(in, *owned, impl.schemas));
    }
    for (std::string_view word = in.word(); word != "end"; word = in.word()) {
      if (word != "timer") in.fail(fmt::format("unexpected '{}'", word));
      Timer timer;
      timer.at = in.instant("a timer's time");
      timer.contract = in.count("a timer's contract", impl.contracts.size() - 1);
      const std::size_t clauses = impl.contracts[timer.contract]->clauses.size();
      const auto clause = in.integer("a timer's clause", 0, INT32_MAX);
      timer.kind = static_cast<Timer::Kind>(
          in.integer("a timer's kind", 0, static_cast<int>(Timer::Kind::period_end)));
      // Effective and expiry timers name no clause (0); deadlines and clock tests name one, and
      // period ends a period rule.
      const bool of_clause =
          timer.kind == Timer::Kind::deadline || timer.kind == Timer::Kind::clock;
      const std::size_t rules = impl.contracts[timer.contract]->plan.period_rules.size();
      const std::size_t bound = timer.kind == Timer::Kind::period_end ? rules
                                : of_clause                           ? clauses
                                                                      : 1;
      if (clause >= static_cast<std::int64_t>(bound)) {
        in.fail(fmt::format("a timer's clause is {}, and contract {} has {} clauses", clause,
                            timer.contract, clauses));
      }
      timer.clause = static_cast<std::uint32_t>(clause);
      timers.push(timer);
    }
    if (!in.at_end()) in.fail("there is text after 'end'");
  } catch (const StateError& failure) {
    return refuse(failure.line,
                  fmt::format("this is not a saved state of these contracts: {}", failure.message));
  } catch (const std::exception& failure) {
    return refuse(0,
                  fmt::format("this is not a saved state of these contracts: {}", failure.what()));
  }
  // Everything was read and checked: only now does the engine take it.
  for (std::size_t i = 0; i < contracts.size(); ++i) {
    ContractRuntime& contract = *impl.contracts[i];
    RestoredContract& restored = contracts[i];
    contract.started = restored.started;
    contract.expired = restored.expired;
    contract.metrics = std::move(restored.metrics);
    for (MetricState& m : contract.metrics) m.value.text = m.text;  // the view, after the move
    contract.windows = std::move(restored.windows);
    contract.latches = std::move(restored.latches);
    contract.split_factor = restored.split_factor;
    contract.period_ends = std::move(restored.period_ends);
    contract.period_ends.resize(contract.plan.period_rules.size());
    // When a clause next wakes for its time tests is not saved: keep the loaded engine's.
    for (std::size_t c = 0; c < contract.clauses.size(); ++c) {
      restored.clauses[c].wake = contract.clauses[c].wake;
    }
    contract.clauses = std::move(restored.clauses);
    // A state carries the reports, not the closed periods' metric states (docs/run.md).
    if (restored.reports) contract.reports = std::move(restored.reports);
    Engine::Impl::note_resumed_reports(contract);
  }
  impl.timers = std::move(timers);
  impl.clock = clock ? std::optional(Timestamp{*clock}) : std::nullopt;
  return true;
}

}  // namespace proviso
