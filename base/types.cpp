#include "base/types.hpp"

#include <fmt/format.h>

namespace proviso {

std::string describe(const Type& type) {
  switch (type.kind) {
    case Kind::error:
      return "an invalid value";
    case Kind::boolean:
      return "a condition";
    case Kind::text:
      return "a text";
    case Kind::number:
      return "a plain number";
    case Kind::quantity:
      if (type.is_percentage()) return "a percentage";
      if (type.is_ratio()) return "a ratio";
      return type.per_share ? type.unit + " per share" : type.unit;
    case Kind::date:
      return "a date";
    case Kind::timestamp:
      return "a timestamp";
    case Kind::duration:
      return fmt::format("a duration in {}", type.unit);
    case Kind::clause:
      return "a clause";
  }
  return "an invalid value";
}

UnitWord split_unit_word(std::string_view word) {
  constexpr std::string_view kPerShare = " per share";
  if (word.ends_with(kPerShare)) return {word.substr(0, word.size() - kPerShare.size()), true};
  return {word, false};
}

}  // namespace proviso
