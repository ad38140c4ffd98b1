// Loading the tests of a file: a contract's own, or a test file's, which is checked as the
// contract it names followed by the test file, with every position mapped back to its file.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "base/read_text.hpp"
#include "testing/runner.hpp"

namespace proviso {

namespace {

constexpr std::string_view kTestFileSuffix = ".test.proviso";
constexpr std::string_view kTestsLine = "-- tests:";

std::optional<std::string> read_text(const std::string& path, std::string& error) {
  return read_text_file(path, error);
}

std::string_view trim(std::string_view text) {
  const std::size_t start = text.find_first_not_of(" \t\r");
  if (start == std::string_view::npos) return {};
  return text.substr(start, text.find_last_not_of(" \t\r") - start + 1);
}

// The contract a test file's first line names, relative to the test file's folder.
std::optional<std::string> named_contract(const std::string& path, std::string_view text) {
  const std::string_view first = text.substr(0, text.find('\n'));
  if (first.substr(0, kTestsLine.size()) != kTestsLine) return std::nullopt;
  const std::string_view name = trim(first.substr(kTestsLine.size()));
  if (name.empty()) return std::nullopt;
  return (std::filesystem::path(path).parent_path() / std::string(name))
      .lexically_normal()
      .string();
}

constexpr std::string_view kInstancesLine = "-- instances:";

// A test file's instances for a template: `-- instances: notes.csv` (relative to the test file's
// folder) among its first comment lines, or `-- instances:` followed by comment lines holding
// the CSV rows themselves (the header row first). Sets `name` and `text`; false when the file
// named cannot be read (`error` says why). No such line: true, both left empty.
bool named_instances(const std::string& path, std::string_view text, std::string& name,
                     std::string& rows, std::string& error) {
  std::size_t at = 0;
  bool inline_rows = false;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line = trim(text.substr(at, end - at));
    at = end + 1;
    if (line.substr(0, 2) != "--") break;  // the comments at the top only
    if (inline_rows) {
      const std::string_view row = trim(line.substr(2));
      if (row.empty() || row.substr(0, 2) == "--") break;
      rows += fmt::format("{}\n", row);
      continue;
    }
    if (line.substr(0, kInstancesLine.size()) != kInstancesLine) continue;
    const std::string_view file = trim(line.substr(kInstancesLine.size()));
    if (file.empty()) {
      inline_rows = true;
      name = path + " (instances)";
      continue;
    }
    name =
        (std::filesystem::path(path).parent_path() / std::string(file)).lexically_normal().string();
    const auto read = read_text_file(name, error);
    if (!read) return false;
    rows = *read;
    return true;
  }
  return true;
}

Diagnostic file_error(const SourceFile& file, std::string message, std::string hint = {}) {
  const auto end = static_cast<std::uint32_t>(std::min(file.text.find('\n'), file.text.size()));
  return Diagnostic{Severity::error, Span{&file, 0, end, 1, 1}, std::move(message),
                    std::move(hint)};
}

}  // namespace

bool is_test_file_name(std::string_view path) {
  return path.size() > kTestFileSuffix.size() &&
         path.substr(path.size() - kTestFileSuffix.size()) == kTestFileSuffix;
}

SourceLine TestSuite::Impl::locate(const Span& span) const {
  if (test_file && span.begin >= own_begin) return {path, span.line - line_offset};
  return {contract_path, span.line};
}

std::string TestSuite::Impl::folder_of(const Span& span) const {
  return std::filesystem::path(locate(span).file).parent_path().string();
}

std::vector<std::size_t> TestSuite::Impl::own_tests() const {
  std::vector<std::size_t> tests;
  if (!loaded.file) return tests;
  const auto& declarations = loaded.file->declarations;
  for (std::size_t i = 0; i < declarations.size(); ++i) {
    const auto* test = std::get_if<ast::TestDecl>(&declarations[i]);
    if (test && (!test_file || test->span.begin >= own_begin)) tests.push_back(i);
  }
  return tests;
}

TestSuite TestSuite::load(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->contract_path = path;
  impl->test_file = is_test_file_name(path);
  std::string error;
  const auto own_text = read_text(path, error);
  if (!own_text) {
    impl->diagnostics.push_back({Severity::error, Span{}, error, {}});
    return TestSuite(std::move(impl));
  }
  if (!impl->test_file) {
    impl->text = *own_text;
  } else {
    impl->tests_source = std::make_unique<SourceFile>(SourceFile{path, *own_text});
    const auto contract = named_contract(path, *own_text);
    if (!contract) {
      impl->diagnostics.push_back(file_error(
          *impl->tests_source, "a test file must start with a line naming the contract it tests",
          "write e.g. -- tests: amd_openai.proviso"));
      return TestSuite(std::move(impl));
    }
    impl->contract_path = *contract;
    if (is_test_file_name(*contract)) {
      impl->diagnostics.push_back(file_error(
          *impl->tests_source, fmt::format("{} is a test file, not a contract", *contract)));
      return TestSuite(std::move(impl));
    }
    const auto contract_text = read_text(*contract, error);
    if (!contract_text) {
      impl->diagnostics.push_back(file_error(*impl->tests_source, error));
      return TestSuite(std::move(impl));
    }
    impl->text = *contract_text;
    if (!impl->text.empty() && impl->text.back() != '\n') impl->text.push_back('\n');
    impl->own_begin = static_cast<std::uint32_t>(impl->text.size());
    impl->line_offset =
        static_cast<std::uint32_t>(std::count(impl->text.begin(), impl->text.end(), '\n'));
    impl->text += *own_text;
    if (!named_instances(path, *own_text, impl->instances_name, impl->instances_text, error)) {
      impl->diagnostics.push_back(file_error(*impl->tests_source, error));
      return TestSuite(std::move(impl));
    }
  }
  impl->loaded = load_contract(impl->contract_path, impl->text);
  for (Diagnostic diagnostic : impl->loaded.diagnostics) {
    Span& span = diagnostic.span;
    if (impl->test_file && span.file && span.begin >= impl->own_begin) {
      span.file = impl->tests_source.get();
      span.begin -= impl->own_begin;
      span.end -= impl->own_begin;
      span.line -= impl->line_offset;
    }
    impl->diagnostics.push_back(std::move(diagnostic));
  }
  impl->ok = impl->loaded.ok();
  if (impl->ok && !impl->instances_name.empty()) {
    // A bad row is the suite's error, found before any test runs.
    Diagnostics rows;
    if (!impl->instances_check.load_template(impl->contract_path, impl->text, impl->instances_name,
                                             impl->instances_text, rows)) {
      impl->ok = false;
      for (Diagnostic& diagnostic : rows) impl->diagnostics.push_back(std::move(diagnostic));
    }
  }
  return TestSuite(std::move(impl));
}

TestSuite::TestSuite(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TestSuite::TestSuite(TestSuite&&) noexcept = default;
TestSuite& TestSuite::operator=(TestSuite&&) noexcept = default;
TestSuite::~TestSuite() = default;

bool TestSuite::ok() const {
  return impl_->ok;
}
const Diagnostics& TestSuite::diagnostics() const {
  return impl_->diagnostics;
}
const std::string& TestSuite::path() const {
  return impl_->path;
}
const std::string& TestSuite::contract_path() const {
  return impl_->contract_path;
}
bool TestSuite::is_test_file() const {
  return impl_->test_file;
}

std::string TestSuite::title() const {
  return impl_->ok ? impl_->loaded.checked.title : "";
}

const std::vector<Bindings>* test_cases(const TestSuite::Impl& suite, std::size_t declaration) {
  const auto& test = std::get<ast::TestDecl>(suite.loaded.file->declarations[declaration]);
  if (test.bindings.empty()) return nullptr;
  static const std::vector<Bindings> none;
  const auto& cases = suite.loaded.checked.test_cases;
  const auto found = cases.find(test.span.begin);
  return found == cases.end() ? &none : &found->second;
}

std::vector<std::string> TestSuite::test_names() const {
  std::vector<std::string> names;
  for (const std::size_t i : impl_->own_tests()) {
    const auto& test = std::get<ast::TestDecl>(impl_->loaded.file->declarations[i]);
    if (const auto* cases = test_cases(*impl_, i)) {
      for (const Bindings& row : *cases) names.push_back(case_name(test, row));
    } else {
      names.push_back(test.name.value);
    }
  }
  return names;
}

std::vector<TestResult> TestSuite::run(std::string_view filter, CoverageReport* coverage,
                                       bool update) const {
  std::vector<TestResult> results;
  if (!impl_->ok) return results;
  for (const std::size_t i : impl_->own_tests()) {
    const auto& test = std::get<ast::TestDecl>(impl_->loaded.file->declarations[i]);
    if (const auto* cases = test_cases(*impl_, i)) {
      for (const Bindings& row : *cases) {
        if (case_name(test, row).find(filter) == std::string::npos) continue;
        results.push_back(run_test(*impl_, i, coverage, &row, update));
      }
      continue;
    }
    if (test.name.value.find(filter) == std::string::npos) continue;
    results.push_back(run_test(*impl_, i, coverage, nullptr, update));
  }
  return results;
}

CoverageReport TestSuite::coverage_of() const {
  CoverageReport report;
  report.contract = impl_->contract_path;
  if (!impl_->ok) return report;
  report.title = impl_->loaded.checked.title;
  Engine engine;
  Diagnostics ignored;
  if (!engine.load_text(impl_->contract_path, impl_->text, ignored)) return report;
  for (const ConditionCoverage& condition : engine.coverage()) {
    const Span& span = condition.condition->span;
    report.conditions.push_back({condition.clause, impl_->locate(span), one_line(span.text()),
                                 false, false, span.begin, span.end});
  }
  return report;
}

std::size_t CoverageReport::covered_outcomes() const {
  std::size_t covered = 0;
  for (const CoveredCondition& condition : conditions) {
    covered += (condition.seen_true ? 1 : 0) + (condition.seen_false ? 1 : 0);
  }
  return covered;
}

double CoverageReport::percent() const {
  if (conditions.empty()) return 100.0;
  return 100.0 * static_cast<double>(covered_outcomes()) / static_cast<double>(outcomes());
}

std::string one_line(std::string_view text) {
  std::string out;
  bool blank = false;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted || c == '"') {
      if (blank && !out.empty() && !quoted) out.push_back(' ');
      blank = false;
      out.push_back(c);
      if (quoted && c == '\\' && i + 1 < text.size()) {
        out.push_back(text[++i]);
      } else if (c == '"') {
        quoted = !quoted;
      }
      continue;
    }
    if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      // A comment inside a condition that spans lines: drop it to the line's end.
      while (i < text.size() && text[i] != '\n') ++i;
      blank = true;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out.push_back(' ');
    blank = false;
    out.push_back(c);
  }
  // The span of `(a and b) or c` starts inside the parenthesis: close what it leaves open.
  std::size_t open = 0;
  std::size_t unopened = 0;
  quoted = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '"' && (i == 0 || out[i - 1] != '\\')) quoted = !quoted;
    if (quoted) continue;
    if (out[i] == '(') ++open;
    if (out[i] == ')') open > 0 ? --open : ++unopened;
  }
  return std::string(unopened, '(') + out + std::string(open, ')');
}

}  // namespace proviso
