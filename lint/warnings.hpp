// What the kinds of warning share: the warning found, the solver's answer, and the atoms of a
// condition that make it impossible (the reason a message quotes).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <z3++.h>

#include "base/diagnostic.hpp"
#include "check/check.hpp"
#include "lint/formula.hpp"

namespace proviso::lint {

/// One warning, with the clause it is about and the word that allows it
/// (`-- proviso: allow never-met`).
struct Warning {
  Diagnostic diagnostic;
  const ClauseInstance* clause = nullptr;
  std::string allow;
};
using Warnings = std::vector<Warning>;

/// A question for the solver, asked afresh of a new translator (so atoms can be relaxed).
using Question = std::function<z3::expr(Formulas&)>;

/// True only when the solver proves the question has no answer (unknown counts as false).
bool impossible(z3::context& z3, const CheckedContract& contract, const Question& question,
                const std::set<ast::NodeId>& relaxed = {});

/// The fewest atoms that keep an impossible question impossible, quoted for a message:
/// "'x >= 5 GW' and 'x < 3 GW' cannot both hold"; atoms of another clause name it.
std::string reason(z3::context& z3, const CheckedContract& contract, const Question& question,
                   const ClauseInstance& clause, std::string_view when = "");

/// "T1 can never be vested", "Leverage can never be holding".
std::string never_phrase(const ClauseInstance& clause, std::string_view state);

/// The hint every warning ends with.
std::string allow_hint(std::string_view kind);

/// The kinds of warning, one file each.
void find_never_met(z3::context& z3, const CheckedContract& contract, Warnings& out);
void find_too_late(z3::context& z3, const CheckedContract& contract, Warnings& out);
void find_always_met(z3::context& z3, const CheckedContract& contract, Warnings& out);
void find_tiers_out_of_order(z3::context& z3, const ast::File& file,
                             const CheckedContract& contract, Warnings& out);

/// How many references to other clauses the formulas follow.
inline constexpr int kClauseDepth = 2;

}  // namespace proviso::lint
