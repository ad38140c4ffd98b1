// The lint's driver: each kind of warning in turn, then the clauses' `allow` comments, then
// source order. Also what the kinds share: asking the solver, and finding a reason to quote.
#include "lint/lint.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "base/value.hpp"
#include "lint/warnings.hpp"

namespace proviso {

namespace lint {

namespace {

// Each question gets at most this long; a question the solver cannot settle gives no warning.
constexpr unsigned kTimeoutMillis = 5000;

// The declaration a clause instance comes from: its family's `for each`, or the clause itself.
Span declaration_span(const ast::File& file, const ClauseInstance& clause) {
  for (const auto& declaration : file.declarations) {
    if (const auto* family = std::get_if<ast::FamilyDecl>(&declaration)) {
      if (&family->clause == clause.decl) return family->span;
    }
  }
  return clause.decl->span;
}

// `-- proviso: allow KIND` inside the clause, or in the comment lines right above it.
bool allowed(const ast::File& file, const ClauseInstance& clause, std::string_view kind) {
  const Span span = declaration_span(file, clause);
  const std::string_view text = file.source->text;
  std::size_t begin = text.rfind('\n', span.begin == 0 ? 0 : span.begin - 1);
  begin = begin == std::string_view::npos ? 0 : begin + 1;
  while (begin > 0) {
    const std::size_t previous_end = begin - 1;
    std::size_t previous = text.rfind('\n', previous_end == 0 ? 0 : previous_end - 1);
    previous = previous == std::string_view::npos || previous_end == 0 ? 0 : previous + 1;
    const std::string_view line = text.substr(previous, previous_end - previous);
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line.substr(first, 2) != "--") break;
    begin = previous;
  }
  const std::string_view region = text.substr(begin, span.end - begin);
  return region.find(fmt::format("-- proviso: allow {}", kind)) != std::string_view::npos;
}

std::string in_clause(const CheckedContract& contract, const ClauseInstance& clause,
                      const ast::Expr& atom) {
  const auto inside = [&](const ClauseInstance& candidate) {
    return atom.span.begin >= candidate.decl->span.begin &&
           atom.span.end <= candidate.decl->span.end;
  };
  if (inside(clause)) return quoted(atom);
  for (const ClauseInstance& other : contract.clauses) {
    if (inside(other)) {
      return fmt::format("{} (in {})", quoted(atom),
                         other.family.empty() ? other.name : other.family);
    }
  }
  return quoted(atom);
}

// Why a count of days can never be reached: " (it needs 25 days of a window of 20)".
std::string window_too_short(Formulas& formulas, const ClauseInstance& clause,
                             const ast::Expr& atom) {
  const auto* count = std::get_if<ast::AtLeastOfLast>(&atom.node);
  if (!count) return {};
  const Moment at = formulas.moment(&clause, 0);
  const auto needed = formulas.constant(formulas.value(*count->needed, at).value);
  const auto window = formulas.constant(formulas.value(*count->window, at).value);
  if (!needed || !window || !(*window < *needed)) return {};
  return fmt::format(" (it needs {} {} of a window of {})", needed->to_string(), count->period.text,
                     window->to_string());
}

}  // namespace

bool impossible(z3::context& z3, const CheckedContract& contract, const Question& question,
                const std::set<ast::NodeId>& relaxed) {
  Formulas formulas(z3, contract);
  formulas.relaxed = relaxed;
  const z3::expr asked = question(formulas);
  z3::solver solver(z3);
  z3::params params(z3);
  params.set("timeout", kTimeoutMillis);
  solver.set(params);
  solver.add(formulas.side());
  solver.add(asked);
  return solver.check() == z3::unsat;
}

std::string reason(z3::context& z3, const CheckedContract& contract, const Question& question,
                   const ClauseInstance& clause, std::string_view when) {
  Formulas first(z3, contract);
  (void)question(first);
  std::set<ast::NodeId> relaxed;
  std::vector<const ast::Expr*> needed;
  for (const ast::Expr* atom : first.atoms) {
    std::set<ast::NodeId> more = relaxed;
    more.insert(atom->id);
    if (impossible(z3, contract, question, more)) {
      relaxed = std::move(more);
    } else {
      needed.push_back(atom);
    }
  }
  std::vector<std::string> quotes;
  for (const ast::Expr* atom : needed) {
    quotes.push_back(in_clause(contract, clause, *atom) + window_too_short(first, clause, *atom));
  }
  const std::string suffix = when.empty() ? std::string() : fmt::format(" {}", when);
  if (quotes.empty()) return "its condition cannot hold" + suffix;
  if (quotes.size() == 1) return fmt::format("{} cannot hold{}", quotes.front(), suffix);
  const std::string last = quotes.back();
  quotes.pop_back();
  return fmt::format("{} and {} cannot {} hold at once{}", fmt::join(quotes, ", "), last,
                     quotes.size() == 1 ? "both" : "all", suffix);
}

std::string never_phrase(const ClauseInstance& clause, std::string_view state) {
  if (clause.bindings.empty()) return fmt::format("{} can never be {}", clause.name, state);
  // A family member: which values make it so.
  std::vector<std::string> values;
  for (const auto& [name, value] : clause.bindings) {
    values.push_back(fmt::format("{} = {}", name, format_value(value)));
  }
  return fmt::format("{} ({}) can never be {}", clause.name, fmt::join(values, ", "), state);
}

std::string allow_hint(std::string_view kind) {
  return fmt::format(
      "check the terms against the agreement; if this is intended, write '-- proviso: allow {}' "
      "above the clause",
      kind);
}

}  // namespace lint

Diagnostics find_warnings(const ast::File& file, const CheckedContract& contract) {
  z3::context z3;
  lint::Warnings warnings;
  // A kind the solver fails on (an instant beyond the time zone tables, an internal limit of
  // Z3) gives no warning rather than stopping the check: warnings are advice.
  const auto each_kind = [&](const auto& find) {
    lint::Warnings found;
    try {
      find(found);
    } catch (const z3::exception&) {
      return;
    } catch (const std::exception&) {
      return;
    }
    for (auto& warning : found) warnings.push_back(std::move(warning));
  };
  each_kind([&](lint::Warnings& out) { lint::find_never_met(z3, contract, out); });
  each_kind([&](lint::Warnings& out) { lint::find_too_late(z3, contract, out); });
  each_kind([&](lint::Warnings& out) { lint::find_always_met(z3, contract, out); });
  each_kind([&](lint::Warnings& out) { lint::find_tiers_out_of_order(z3, file, contract, out); });
  Diagnostics result;
  std::set<std::pair<std::uint32_t, std::string>> seen;  // a family warns once per place
  for (lint::Warning& warning : warnings) {
    if (warning.clause && lint::allowed(file, *warning.clause, warning.allow)) continue;
    if (!seen.emplace(warning.diagnostic.span.begin, warning.allow).second) continue;
    warning.diagnostic.severity = Severity::warning;
    result.push_back(std::move(warning.diagnostic));
  }
  std::stable_sort(result.begin(), result.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.span.begin < b.span.begin;
  });
  return result;
}

}  // namespace proviso
