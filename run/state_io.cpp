// Saving and restoring the engine's state as text: one line per metric, window, clause and
// timer, exact decimals as numerator/denominator, so a replay split in two with save and
// resume gives exactly the transitions of one uninterrupted replay.
#include <charconv>

#include <fmt/format.h>

#include "run/runtime.hpp"

namespace proviso {

namespace {

constexpr std::string_view kMagic = "proviso-state 2";

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

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  std::string_view word() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n')) ++pos_;
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ' ' && text_[pos_] != '\n') ++pos_;
    if (start == pos_) throw std::runtime_error("the state ends too early");
    return text_.substr(start, pos_ - start);
  }
  void expect(std::string_view wanted) {
    const std::string_view found = word();
    if (found != wanted) {
      throw std::runtime_error(fmt::format("expected '{}', found '{}'", wanted, found));
    }
  }
  std::int64_t integer() {
    const std::string_view w = word();
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(w.data(), w.data() + w.size(), value);
    if (error != std::errc() || end != w.data() + w.size()) {
      throw std::runtime_error(fmt::format("'{}' is not a whole number", w));
    }
    return value;
  }
  std::optional<std::int64_t> optional_integer() {
    if (peek() == '-' && peek(1) == ' ') {
      word();
      return std::nullopt;
    }
    if (peek() == '-' && (peek(1) == '\n' || peek(1) == '\0')) {
      word();
      return std::nullopt;
    }
    return integer();
  }
  Decimal decimal() {
    const std::string_view w = word();
    const std::size_t slash = w.find('/');
    const auto num = Decimal::parse(w.substr(0, slash));
    const auto den =
        slash == std::string_view::npos ? std::nullopt : Decimal::parse(w.substr(slash + 1));
    if (!num || !den) throw std::runtime_error(fmt::format("'{}' is not an exact number", w));
    return *num / *den;
  }
  std::string text() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
    const std::size_t colon = text_.find(':', pos_);
    if (colon == std::string_view::npos) throw std::runtime_error("a text field is malformed");
    std::size_t length = 0;
    std::from_chars(text_.data() + pos_, text_.data() + colon, length);
    if (colon + 1 + length > text_.size()) throw std::runtime_error("a text field is cut short");
    std::string value(text_.substr(colon + 1, length));
    pos_ = colon + 1 + length;
    return value;
  }

 private:
  char peek(std::size_t ahead = 0) {
    std::size_t p = pos_;
    while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\n')) ++p;
    return p + ahead < text_.size() ? text_[p + ahead] : '\0';
  }
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string Engine::save_state() const {
  const Impl& impl = *impl_;
  std::string out =
      fmt::format("{}\nclock {}\n", kMagic,
                  optional_time(impl.clock ? std::optional(impl.clock->micros) : std::nullopt));
  for (const auto& owned : impl.contracts) {
    const ContractRuntime& contract = *owned;
    out += fmt::format("contract {} {} {} {} {} {}\n", text_field(contract.plan.title),
                       contract.metrics.size(), contract.windows.size(), contract.clauses.size(),
                       contract.started ? 1 : 0, contract.expired ? 1 : 0);
    for (const MetricState& m : contract.metrics) {
      out += fmt::format("metric {} {} {} {} {} {} {} {} {} {}", m.has_value ? 1 : 0, exact(m.sum),
                         exact(m.weight_sum), m.count, exact(m.value.number), m.value.time,
                         m.value.months, m.value.flag ? 1 : 0, text_field(m.text), m.window.size());
      for (const WindowEntry& e : m.window) {
        out += fmt::format(" {} {} {} {} {}", e.seq, e.ts, e.day, exact(e.value), exact(e.weight));
      }
      out += fmt::format(" {}", m.extremes.size());
      for (const WindowEntry& e : m.extremes) {
        out += fmt::format(" {} {} {} {} {}", e.seq, e.ts, e.day, exact(e.value), exact(e.weight));
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
    for (const ClauseState& c : contract.clauses) {
      out +=
          fmt::format("clause {} {} {} {} {}", c.stage, c.lapsed ? 1 : 0, static_cast<int>(c.level),
                      optional_time(c.last_level_change), c.deadline_armed ? 1 : 0);
      for (const auto& entered : c.entered) {
        out += " " + optional_time(entered ? std::optional(entered->micros) : std::nullopt);
      }
      out += "\n";
    }
  }
  auto timers = impl.timers;
  while (!timers.empty()) {
    const Timer& t = timers.top();
    out += fmt::format("timer {} {} {} {}\n", t.at, t.contract, t.clause, static_cast<int>(t.kind));
    timers.pop();
  }
  out += "end\n";
  return out;
}

bool Engine::restore_state(std::string_view saved, std::string& error) {
  Impl& impl = *impl_;
  try {
    Reader in(saved);
    for (std::string_view part : {"proviso-state", "2", "clock"}) in.expect(part);
    const auto clock = in.optional_integer();
    for (auto& owned : impl.contracts) {
      ContractRuntime& contract = *owned;
      in.expect("contract");
      const std::string title = in.text();
      const auto metrics = in.integer();
      const auto windows = in.integer();
      const auto clauses = in.integer();
      if (title != contract.plan.title) {
        throw std::runtime_error(
            fmt::format("it was saved with the contract \"{}\", and \"{}\" is loaded", title,
                        contract.plan.title));
      }
      if (metrics != static_cast<std::int64_t>(contract.metrics.size()) ||
          windows != static_cast<std::int64_t>(contract.windows.size()) ||
          clauses != static_cast<std::int64_t>(contract.clauses.size())) {
        throw std::runtime_error(fmt::format(
            "it was saved with another version of \"{}\" (other metrics, windows or clauses)",
            title));
      }
      contract.started = in.integer() != 0;
      contract.expired = in.integer() != 0;
      for (MetricState& m : contract.metrics) {
        in.expect("metric");
        m.has_value = in.integer() != 0;
        m.sum = in.decimal();
        m.weight_sum = in.decimal();
        m.count = static_cast<std::uint64_t>(in.integer());
        m.value.number = in.decimal();
        m.value.time = in.integer();
        m.value.months = static_cast<std::int32_t>(in.integer());
        m.value.flag = in.integer() != 0;
        m.text = in.text();
        m.value.text = m.text;
        for (auto* entries : {&m.window, &m.extremes}) {
          entries->clear();
          for (auto n = in.integer(); n > 0; --n) {
            WindowEntry e;
            e.seq = static_cast<std::uint64_t>(in.integer());
            e.ts = in.integer();
            e.day = static_cast<std::int32_t>(in.integer());
            e.value = in.decimal();
            e.weight = in.decimal();
            entries->push_back(e);
          }
        }
        m.next_seq = m.window.empty() ? 0 : m.window.back().seq + 1;
      }
      for (std::uint32_t w = 0; w < contract.windows.size(); ++w) {
        WindowState& state = contract.windows[w];
        in.expect("window");
        const auto day = in.optional_integer();
        state.current_day =
            day ? std::optional<std::int32_t>(static_cast<std::int32_t>(*day)) : std::nullopt;
        const std::string_view today = in.word();
        state.today = today == "-" ? std::nullopt : std::optional<bool>(today == "1");
        const auto size = static_cast<std::uint32_t>(in.integer());
        const std::string_view bits = in.word();
        const std::uint32_t span = contract.plan.windows[w].span;
        state.ring.assign(span, 0);
        state.head = 0;
        state.size = 0;
        state.trues = 0;
        for (std::uint32_t i = 0; i < size && i < bits.size(); ++i) {
          state.ring[i] = bits[i] == '1' ? 1 : 0;
          state.trues += state.ring[i];
          ++state.size;
        }
      }
      in.expect("latches");
      if (in.integer() != static_cast<std::int64_t>(contract.latches.size())) {
        throw std::runtime_error(
            fmt::format("it was saved with another version of \"{}\" (other conditions)", title));
      }
      for (auto& latched : contract.latches) latched = in.optional_integer();
      in.expect("splits");
      contract.split_factor = in.decimal();
      for (ClauseState& c : contract.clauses) {
        in.expect("clause");
        c.stage = static_cast<std::uint32_t>(in.integer());
        c.lapsed = in.integer() != 0;
        c.level = static_cast<Level>(in.integer());
        c.last_level_change = in.optional_integer();
        c.deadline_armed = in.integer() != 0;
        for (auto& entered : c.entered) {
          const auto at = in.optional_integer();
          entered = at ? std::optional(Timestamp{*at}) : std::nullopt;
        }
      }
    }
    impl.timers = {};
    for (std::string_view word = in.word(); word != "end"; word = in.word()) {
      if (word != "timer") throw std::runtime_error(fmt::format("unexpected '{}'", word));
      Timer timer;
      timer.at = in.integer();
      timer.contract = static_cast<std::uint32_t>(in.integer());
      timer.clause = static_cast<std::uint32_t>(in.integer());
      timer.kind = static_cast<Timer::Kind>(in.integer());
      impl.timers.push(timer);
    }
    impl.clock = clock ? std::optional(Timestamp{*clock}) : std::nullopt;
  } catch (const std::exception& failure) {
    error = fmt::format("this is not a saved state of these contracts: {}", failure.what());
    return false;
  }
  return true;
}

}  // namespace proviso
