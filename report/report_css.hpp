// The report's stylesheet, report/report.css, embedded into the library at build time.
#pragma once

#include <string_view>

namespace proviso {

/// The text of report/report.css, inlined into every report's <style>.
std::string_view report_css();

}  // namespace proviso
