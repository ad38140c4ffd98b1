// The floor W1 is compared against: simdjson parses every line of a JSON Lines log (its DOM
// parser, every value converted) and nothing else is done. ../shared/bench/README.md measured
// this at ~9.7 M events/s and the hand-written W1 program, which parses every line and then
// evaluates the contracts, at ~8.7 M on the same machine; a run of this next to `proviso run`
// gives the ratio on the machine as it is at the time (the 2-core machine is shared, and its
// speed varies from hour to hour).
//   parse_only LOG.jsonl    prints the line count and a checksum, so the work is not optimised away
#include <simdjson.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: parse_only LOG.jsonl\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot open %s\n", argv[1]);
    return 1;
  }
  simdjson::dom::parser parser;
  std::vector<char> chunk(std::size_t{1} << 20);
  std::string pending;  // a line cut by the end of a chunk
  std::string line;
  line.reserve(4096);
  std::uint64_t lines = 0, checksum = 0;
  const auto parse = [&](const char* text, std::size_t size) {
    if (size == 0) return;
    line.assign(text, size);
    line.resize(size + simdjson::SIMDJSON_PADDING);
    simdjson::dom::object object;
    if (parser.parse(line.data(), size, false).get_object().get(object) != simdjson::SUCCESS) {
      std::fprintf(stderr, "line %llu is not a JSON object\n",
                   static_cast<unsigned long long>(lines + 1));
      std::exit(1);
    }
    ++lines;
    for (const auto field : object)
      checksum += field.key.size() + static_cast<unsigned>(field.value.type());
  };
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const std::size_t got = static_cast<std::size_t>(in.gcount());
    std::size_t start = 0;
    for (std::size_t i = 0; i < got; ++i) {
      if (chunk[i] != '\n') continue;
      if (!pending.empty()) {
        pending.append(chunk.data() + start, i - start);
        parse(pending.data(), pending.size());
        pending.clear();
      } else {
        parse(chunk.data() + start, i - start);
      }
      start = i + 1;
    }
    pending.append(chunk.data() + start, got - start);
  }
  parse(pending.data(), pending.size());
  std::printf("%llu lines, checksum %llu\n", static_cast<unsigned long long>(lines),
              static_cast<unsigned long long>(checksum));
  return 0;
}
