#include "tests/support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace proviso::testing {

std::filesystem::path scratch_path(std::string_view name) {
  // The process id goes before the extension, which tells the command what a file is.
  const std::filesystem::path written(name);
  return std::filesystem::temp_directory_path() / fmt::format("proviso-{}-{}{}",
                                                              written.stem().string(), ::getpid(),
                                                              written.extension().string());
}

std::filesystem::path source_dir() {
  return PROVISO_SOURCE_DIR;
}

Event make_event(const Engine& engine, std::string_view type, std::string_view ts,
                 const std::vector<std::pair<std::string, std::string>>& fields,
                 std::uint64_t line) {
  Event event;
  event.type = *engine.schemas().find(type);
  event.ts = *parse_instant_fast(ts);
  event.line = line;
  const EventSchema& schema = engine.schemas().events[event.type];
  event.fields.resize(schema.fields.size());
  for (const auto& [name, value] : fields) {
    for (std::size_t i = 0; i < schema.fields.size(); ++i) {
      if (schema.fields[i].name != name) continue;
      if (schema.fields[i].type.is(Kind::text)) {
        event.fields[i].text = value;
      } else {
        event.fields[i].number = *Decimal::parse(value) * schema.fields[i].scale;
      }
    }
  }
  return event;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

CommandResult run_proviso(const std::string& arguments, const std::filesystem::path& working_dir) {
  const std::string command =
      fmt::format("cd '{}' && '{}' {} 2>&1", working_dir.string(), PROVISO_BINARY, arguments);
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::array<char, 4096> buffer;
  std::size_t count;
  while ((count = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.output.append(buffer.data(), count);
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string golden_output(const std::string& arguments, const std::filesystem::path& working_dir) {
  const CommandResult result = run_proviso(arguments, working_dir);
  return fmt::format("{}exit code {}\n", result.output, result.exit_code);
}

std::string read_arguments(const std::filesystem::path& args_file) {
  std::string arguments = read_file(args_file);
  while (!arguments.empty() && (arguments.back() == '\n' || arguments.back() == '\r')) {
    arguments.pop_back();
  }
  return arguments;
}

std::vector<MarkdownBlock> markdown_blocks(const std::string& markdown) {
  std::vector<MarkdownBlock> blocks;
  std::optional<MarkdownBlock> open;
  std::size_t open_indent = 0;
  std::size_t number = 0;
  std::size_t start = 0;
  while (start < markdown.size()) {
    std::size_t end = markdown.find('\n', start);
    if (end == std::string::npos) end = markdown.size();
    const std::string line = markdown.substr(start, end - start);
    start = end + 1;
    ++number;
    // A fence is a line of its own: "```text", never inline code such as "```a`". It may be
    // indented (in a list); its indentation is removed from the block's lines.
    const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
    const std::string fence = line.substr(indent);
    if (fence.rfind("```", 0) == 0 && fence.find('`', 3) == std::string::npos) {
      if (open) {
        blocks.push_back(std::move(*open));
        open.reset();
      } else {
        open = MarkdownBlock{fence.substr(3), {}, number};
        open_indent = indent;
      }
    } else if (open) {
      const std::size_t strip = std::min(open_indent, line.find_first_not_of(' '));
      open->text += line.substr(std::min(strip, line.size())) + "\n";
    }
  }
  return blocks;
}

std::vector<std::filesystem::path> files_with_extension(const std::filesystem::path& folder,
                                                        const std::string& extension) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() == extension) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<GoldenCase> golden_cases(const std::filesystem::path& folder,
                                     const std::string& extension) {
  std::vector<GoldenCase> cases;
  for (const auto& input : files_with_extension(folder, extension)) {
    auto golden = input;
    golden.replace_extension(".golden");
    cases.push_back({input.stem().string(), input, golden});
  }
  return cases;
}

const std::string& docs_preamble() {
  static const std::string preamble = R"(contract "Reference example"
  timezone "America/New_York"
  calendar NYSE
  effective 2025-10-06

event deployment { vendor: text, mw: MW }
event close      { symbol: text, px: USD per share }
event trade      { symbol: text, px: USD per share, qty: number }
event milestone  { name: text }

metric amd_deployed = sum deployment.mw where vendor == "AMD"
metric amd_close    = latest close.px where symbol == "AMD"
)";
  return preamble;
}

bool is_whole_contract(std::string_view text) {
  auto trim = [](std::string_view line) {
    const std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) return std::string_view();
    const std::size_t end = line.find_last_not_of(" \t\r");
    return line.substr(start, end + 1 - start);
  };
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = trim(text.substr(start, end - start));
    start = end + 1;
    if (line.empty() || line.substr(0, 2) == "--") continue;
    return line.substr(0, 8) == "contract" &&
           (line.size() == 8 || line[8] == ' ' || line[8] == '\t' || line[8] == '"');
  }
  return false;
}

}  // namespace proviso::testing
