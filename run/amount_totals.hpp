// Totals of amounts by dimension, as the engine's totals report them: 50 USDm and
// 25,000,000 USD are one amount of money, summed in base units and shown in the unit of the
// first amount that counts.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "run/render.hpp"
#include "run/runtime.hpp"

namespace proviso {

class AmountTotals {
 public:
  void add(const std::optional<Decimal>& amount, const Type& type,
           const ContractRuntime& contract) {
    if (!amount) return;
    Total& total = totals_[dimension_of(type)];
    total.sum = total.sum + *amount;
    if (!total.owner) {
      total.unit = type.is(Kind::quantity) ? type.unit : std::string();
      total.owner = &contract;
    }
  }

  /// "26,666,667 shares", "10,000 USD": one per dimension, in the order of the dimensions.
  std::vector<std::string> rendered() const {
    std::vector<std::string> out;
    for (const auto& [dimension, total] : totals_) {
      out.push_back(render_amount(total.sum, total.unit, total.owner->loaded.checked.units));
    }
    return out;
  }

  /// The total in base units of one dimension ("" for plain numbers).
  Decimal of(const std::string& dimension) const {
    const auto found = totals_.find(dimension);
    return found == totals_.end() ? Decimal{} : found->second.sum;
  }

  static std::string dimension_of(const Type& type) {
    return type.is(Kind::quantity) ? type.dimension : std::string();
  }

 private:
  struct Total {
    Decimal sum;
    std::string unit;
    const ContractRuntime* owner = nullptr;
  };
  std::map<std::string, Total> totals_;
};

}  // namespace proviso
