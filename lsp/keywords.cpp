// The keywords completion offers, read from the grammar's own rules so that a new keyword
// needs no second list here.
#include <tao/pegtl.hpp>

#include "grammar/grammar.hpp"
#include "lsp/features.hpp"

namespace proviso::lsp {

namespace {

namespace pegtl = tao::pegtl;

// A PROVISO_KEYWORD rule derives from pegtl::ascii::keyword<its characters…>.
template <char... Characters>
std::string text_of(const pegtl::ascii::keyword<Characters...>*) {
  return std::string{Characters...};
}

template <typename... Rules>
void append(std::vector<std::string>& words, pegtl::type_list<Rules...>) {
  (words.push_back(text_of(static_cast<const Rules*>(nullptr))), ...);
}

}  // namespace

const std::vector<std::string>& keywords() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> all;
    append(all, grammar::reserved::subs_t{});
    // Keywords only after `expect`, `given` and `subject` (reference § 16).
    append(all, pegtl::type_list<grammar::kw_error, grammar::kw_granted, grammar::kw_log,
                                 grammar::kw_paid, grammar::kw_timeline, grammar::kw_to>{});
    // Words of amounts per period, keywords only in their place (reference § 10).
    append(all, pegtl::type_list<grammar::kw_missed, grammar::kw_capped, grammar::kw_per,
                                 grammar::kw_total, grammar::kw_with>{});
    return all;
  }();
  return words;
}

}  // namespace proviso::lsp
