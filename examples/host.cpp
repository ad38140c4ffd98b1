// A host program that embeds Proviso: it loads a contract, feeds it events it builds itself
// (as a trading system or a data pipeline would), prints each transition as it happens, and
// queries the state at the end. Build: see examples/CMakeLists.txt; docs/embedding.md explains.
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include <proviso/run/engine.hpp>
#include <proviso/run/transition_format.hpp>

namespace {

// Builds an event of a declared type; fields are given in the schema's order.
proviso::Event make_event(const proviso::Engine& engine, std::string_view type,
                          std::string_view ts) {
  proviso::Event event;
  event.type = *engine.schemas().find(type);
  event.ts = *proviso::parse_instant_fast(ts);
  event.fields.resize(engine.schemas().events[event.type].fields.size());
  return event;
}

// Sets a field by name; quantities are given in the field's own unit (mw in MW).
void set_field(const proviso::Engine& engine, proviso::Event& event, std::string_view name,
               std::string_view value) {
  const proviso::EventSchema& schema = engine.schemas().events[event.type];
  for (std::size_t i = 0; i < schema.fields.size(); ++i) {
    if (schema.fields[i].name != name) continue;
    if (schema.fields[i].type.is(proviso::Kind::text)) {
      event.fields[i].text = value;
    } else {
      event.fields[i].number = *proviso::Decimal::parse(value) * schema.fields[i].scale;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string contract = argc > 1 ? argv[1] : "contracts/amd_openai.proviso";
  proviso::Engine engine;
  proviso::Diagnostics diagnostics;
  if (!engine.load_file(contract, diagnostics)) {
    std::fputs(proviso::render(diagnostics).c_str(), stderr);
    return 1;
  }
  // Event::log indexes these names, which transitions give as their cause.
  engine.set_log_names({"trading-system"});
  engine.on_transition([](const proviso::Transition& transition) {
    fmt::print("transition: {}\n", proviso::format_transition_text(transition));
  });

  const struct {
    const char* ts;
    const char* vendor;
    const char* mw;
  } deployments[] = {{"2026-06-01T12:00:00Z", "AMD", "600"},
                     {"2026-08-03T12:00:00Z", "NVIDIA", "900"},
                     {"2026-09-01T12:00:00Z", "AMD", "450"}};
  std::uint64_t line = 0;
  try {
    for (const auto& deployment : deployments) {
      proviso::Event event = make_event(engine, "deployment", deployment.ts);
      event.line = ++line;
      set_field(engine, event, "vendor", deployment.vendor);
      set_field(engine, event, "mw", deployment.mw);
      engine.feed(event);
    }
    // Events can also come as JSON text, checked like a log line.
    proviso::Diagnostics errors;
    const char* json =
        "{\"ts\":\"2026-10-01T12:00:00Z\",\"type\":\"deployment\",\"vendor\":\"AMD\",\"mw\":150}\n"
        "{\"ts\":\"2026-11-02T15:00:00Z\",\"type\":\"milestone\",\"name\":\"technical_"
        "certification\"}\n";
    if (!engine.feed_json(json, errors, "feed")) {
      std::fputs(proviso::render(errors).c_str(), stderr);
      return 1;
    }
    engine.advance_to(*proviso::parse_instant_fast("2026-12-31T00:00:00Z"));
  } catch (const proviso::RuntimeError& failure) {
    std::fputs(proviso::render(failure.diagnostic()).c_str(), stderr);
    return 1;
  }

  for (const proviso::ClauseStatus& clause : engine.clause_states()) {
    fmt::print("state: {} {}\n", clause.clause, clause.state);
  }
  for (const proviso::MetricStatus& metric : engine.metric_values()) {
    fmt::print("metric: {} = {}\n", metric.metric, metric.value);
  }

  // A replay can stop here and go on later from the saved text.
  const std::string saved = engine.save_state();
  proviso::Engine resumed;
  if (!resumed.load_file(contract, diagnostics) || !resumed.restore_state(saved, diagnostics)) {
    fmt::print(stderr, "cannot resume:\n{}", proviso::render(diagnostics));
    return 1;
  }
  fmt::print("resumed at {} with {} clauses\n", proviso::format_utc(*resumed.now()),
             resumed.clause_states().size());
  return 0;
}
