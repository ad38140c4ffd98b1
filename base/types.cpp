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
      return type.unit;
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

}  // namespace proviso
