// The JetStream subjects a worker needs: from a subject template (`events.{type}.{symbol}`) and
// the loaded contracts' event types and `where FIELD == "VALUE"` filters, the subjects that carry
// every event those contracts can use, so that a worker subscribes to those alone and the feed is
// split by subject rather than copied to each worker (docs/live.md).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "run/engine.hpp"

namespace proviso {

/// `events.{type}.{symbol}`: tokens separated by '.', each written as it is or a placeholder,
/// `{type}` (the event's type) or `{FIELD}` (that field's value as the log writes it).
struct SubjectTemplate {
  struct Token {
    std::string text;          // the literal token, or the placeholder's name
    bool placeholder = false;  // `{…}`
  };
  std::vector<Token> tokens;

  /// The subject an event of `type` is published on; `field` gives a field's value as the
  /// log writes it (nullopt when the event has no such field, written `_`).
  std::string subject(
      std::string_view type,
      const std::function<std::optional<std::string>(std::string_view)>& field) const;
};

/// Reads a subject template; nullopt with the reason in `error` when it is not one.
std::optional<SubjectTemplate> parse_subject_template(std::string_view text, std::string& error);

/// Whether `value` can be one token of a subject: not empty, and without '.', '*', '>' or
/// white space. An event whose field holds another value is published with `_` in its place.
bool subject_token(std::string_view value);

/// The subjects that carry every event the engine's loaded contracts (and instances) use:
/// sorted, without repeats, none covered by another (`events.close.*` covers
/// `events.close.AMD`). A placeholder token is the value a contract's filter requires of that
/// field when every use of the event type (metrics, `tested at each`, `splits from`) requires
/// one of a few values (`where symbol == "AMD"`, `where close.symbol == symbol` in a template,
/// `or`s of these); else `*`.
std::vector<std::string> needed_subjects(const Engine& engine, const SubjectTemplate& subjects);

}  // namespace proviso
