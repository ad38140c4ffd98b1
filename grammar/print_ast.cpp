#include "grammar/print_ast.hpp"

#include <fmt/format.h>

#include "base/overloaded.hpp"

namespace proviso {

std::string_view operator_text(ast::BinaryOp op) {
  return ast::operator_info(op).text;
}

std::string_view aggregate_text(ast::AggregateFn fn) {
  switch (fn) {
    case ast::AggregateFn::sum:
      return "sum";
    case ast::AggregateFn::count:
      return "count";
    case ast::AggregateFn::latest:
      return "latest";
    case ast::AggregateFn::first:
      return "first";
    case ast::AggregateFn::min:
      return "min";
    case ast::AggregateFn::max:
      return "max";
    case ast::AggregateFn::average:
      return "average";
    case ast::AggregateFn::vwap:
      return "vwap";
  }
  throw std::logic_error("aggregate_text: unknown aggregate");
}

namespace {

std::string_view op_text(ast::UnaryOp op) {
  switch (op) {
    case ast::UnaryOp::negate:
      return "-";
    case ast::UnaryOp::logical_not:
      return "not";
    case ast::UnaryOp::once:
      return "once";
    case ast::UnaryOp::ever:
      return "ever";
  }
  throw std::logic_error("op_text: unknown operator");
}

std::string_view quorum_text(ast::QuorumKind kind) {
  switch (kind) {
    case ast::QuorumKind::all:
      return "all-of";
    case ast::QuorumKind::any:
      return "any-of";
    case ast::QuorumKind::at_least:
      return "at-least";
  }
  throw std::logic_error("quorum_text: unknown kind");
}

std::string_view relation_text(ast::TimeRelation relation) {
  switch (relation) {
    case ast::TimeRelation::before:
      return "before";
    case ast::TimeRelation::by:
      return "by";
    case ast::TimeRelation::after:
      return "after";
  }
  throw std::logic_error("relation_text: unknown relation");
}

std::string timestamp_text(const ast::TimestampLiteral& ts) {
  std::string out = fmt::format("{}+{}us", format_date(ts.date), ts.micros_of_day);
  if (ts.offset_minutes) out += fmt::format("@{}min", *ts.offset_minutes);
  if (ts.zone) out += "@" + ts.zone->text;
  return out;
}

}  // namespace

std::string print(const ast::Expr& expr) {
  return std::visit(
      overloaded{
          [](const ast::NumberLiteral& n) { return n.value.to_string(); },
          [](const ast::TextLiteral& t) { return fmt::format("\"{}\"", t.value); },
          [](const ast::BoolLiteral& b) { return std::string(b.value ? "true" : "false"); },
          [](const ast::DateLiteral& d) { return format_date(d.date); },
          [](const ast::TimestampLiteral& t) { return timestamp_text(t); },
          [](const ast::NameRef& n) { return n.name; },
          [](const ast::Suffixed& s) {
            return fmt::format("({} {})", print(*s.operand), s.word.text);
          },
          [](const ast::Member& m) {
            return fmt::format("{}.{}", print(*m.object), m.member.text);
          },
          [](const ast::Index& i) {
            return fmt::format("{}[{}]", print(*i.object), print(*i.index));
          },
          [](const ast::Unary& u) {
            return fmt::format("({} {})", op_text(u.op), print(*u.operand));
          },
          [](const ast::Binary& b) {
            return fmt::format("({} {} {})", operator_text(b.op), print(*b.lhs), print(*b.rhs));
          },
          [](const ast::Band& b) {
            return fmt::format("(in {} {} {} {})", print(*b.value), print(*b.low),
                               b.high_excluded ? "..<" : "..", print(*b.high));
          },
          [](const ast::Consecutive& c) {
            return fmt::format("(for-consecutive {} {} {})", print(*c.condition), print(*c.count),
                               c.period.text);
          },
          [](const ast::AtLeastOfLast& a) {
            return fmt::format("(at-least-of-last {} {} {} {})", print(*a.condition),
                               print(*a.needed), print(*a.window), a.period.text);
          },
          [](const ast::Quorum& q) {
            std::string out = fmt::format("({}", quorum_text(q.kind));
            if (q.needed) out += " " + print(*q.needed);
            for (const auto& item : q.items) out += " " + print(*item);
            return out + ")";
          },
          [](const ast::TimeTest& t) {
            return fmt::format("({} {})", relation_text(t.relation), print(*t.instant));
          },
          [](const ast::Within& w) {
            return fmt::format("(within {} after {})", print(*w.duration), print(*w.anchor));
          },
      },
      expr.node);
}

}  // namespace proviso
