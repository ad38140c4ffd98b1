// Templates and their instances: a contract with `parameters { … }` loaded once, and one
// instance per row of an instances file, each sharing the template's plan.
#include <fmt/format.h>

#include "base/read_text.hpp"
#include "events/read_instances.hpp"
#include "run/runtime.hpp"

namespace proviso {

namespace {

// A cell's value as the plan's programs hold it; text views the instance's own copy.
RuntimeValue runtime_value(const Type& type, const FieldSlot& slot, std::string& text) {
  RuntimeValue value = slot_value(slot, type);
  if (type.is(Kind::text)) {
    text = slot.text;
    value.text = text;
  }
  return value;
}

// The instances file's columns: the template's parameters, quantities with their unit's scale.
std::vector<InstanceColumn> columns_of(const CheckedContract& checked) {
  std::vector<InstanceColumn> columns;
  for (const ParameterInfo& parameter : checked.parameters) {
    InstanceColumn column{parameter.name, parameter.type, Decimal::from_int(1)};
    if (parameter.type.is(Kind::quantity)) {
      const auto unit = checked.units.find(parameter.type.unit);
      if (unit != checked.units.end()) column.scale = unit->second.scale;
    }
    columns.push_back(std::move(column));
  }
  return columns;
}

}  // namespace

bool Engine::load_template_file(const std::string& path, const std::string& instances_path,
                                Diagnostics& diagnostics) {
  LoadedContract loaded = load_contract_file(path);
  if (!loaded.source) {
    diagnostics.insert(diagnostics.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
    return false;
  }
  std::string why;
  std::optional<std::string> instances = read_text_file(instances_path, why);
  if (!instances) {
    diagnostics.push_back(
        {Severity::error,
         Span{},
         fmt::format("cannot read the instances file {}: {}", instances_path, why),
         {}});
    return false;
  }
  return load_template(loaded.source->name, loaded.source->text, instances_path,
                       std::move(*instances), diagnostics);
}

bool Engine::load_template(std::string name, std::string text, std::string instances_name,
                           std::string instances_text, Diagnostics& diagnostics) {
  if (!loading_allowed(name, diagnostics)) return false;
  auto shared = std::make_shared<ContractShared>();
  shared->loaded = load_contract(std::move(name), std::move(text));
  diagnostics.insert(diagnostics.end(), shared->loaded.diagnostics.begin(),
                     shared->loaded.diagnostics.end());
  if (!shared->loaded.ok()) {
    impl_->rejected.push_back(std::move(shared->loaded));
    return false;
  }
  const CheckedContract& checked = shared->loaded.checked;
  if (checked.parameters.empty()) {
    diagnostics.push_back(
        {Severity::error, Span{},
         fmt::format("{} declares no parameters, so it has no instances; an instances file is "
                     "for a template with 'parameters {{ … }}'",
                     shared->loaded.source->name),
         "run it without --instances"});
    return false;
  }
  // Every row is read and checked before any instance is loaded: a bad row loads nothing.
  std::string key;
  for (const ParameterInfo& parameter : checked.parameters) {
    if (parameter.key) key = parameter.name;
  }
  const std::vector<InstanceColumn> columns = columns_of(checked);
  std::vector<InstanceRow> rows;
  InstancesError failure;
  if (!read_instances(instances_name, instances_text, columns, key, rows, failure)) {
    impl_->fed_texts.push_back(
        std::make_unique<SourceFile>(SourceFile{instances_name, std::move(instances_text)}));
    const SourceFile& source = *impl_->fed_texts.back();
    Span span{&source, failure.offset, failure.offset + failure.length, failure.line,
              failure.column};
    if (span.end > source.text.size()) span.end = static_cast<std::uint32_t>(source.text.size());
    if (span.begin > span.end) span.begin = span.end;
    diagnostics.push_back({Severity::error, span, failure.message, {}});
    return false;
  }
  if (rows.empty()) {
    diagnostics.push_back(
        {Severity::error,
         Span{},
         fmt::format("{} has no rows: the template has no instances", instances_name),
         {}});
    return false;
  }
  for (const auto& existing : impl_->contracts) {
    for (const InstanceRow& row : rows) {
      if (!existing->instance.empty() && existing->instance == row.key) {
        diagnostics.push_back(
            {Severity::error,
             Span{},
             fmt::format("{}:{}: instance {} is already loaded", instances_name, row.line, row.key),
             {}});
        return false;
      }
    }
  }
  const std::size_t schemas_before = impl_->schemas_size();
  shared->declarer = merge_schemas(checked, impl_->schemas);
  if (impl_->first_timezone.empty()) impl_->first_timezone = checked.timezone;
  const std::size_t first = impl_->contracts.size();
  impl_->contracts.reserve(first + rows.size());
  for (InstanceRow& row : rows) {
    if (impl_->share && !runs(*impl_->share, row.key)) {
      ++impl_->outside_share;
      continue;
    }
    auto instance = std::make_unique<ContractRuntime>(shared);
    instance->instance = std::move(row.key);
    instance->parameter_texts.resize(columns.size());
    instance->parameters.reserve(columns.size());
    for (std::size_t p = 0; p < columns.size(); ++p) {
      instance->parameters.push_back(
          runtime_value(columns[p].type, row.values[p], instance->parameter_texts[p]));
    }
    impl_->instance_index.emplace(instance->instance, impl_->contracts.size());
    impl_->contracts.push_back(std::move(instance));
  }
  impl_->start_added(first, schemas_before);
  return true;
}

std::optional<std::size_t> Engine::instance_index(std::string_view instance) const {
  const auto it = impl_->instance_index.find(std::string(instance));
  if (it == impl_->instance_index.end()) return std::nullopt;
  return it->second;
}

const std::string& Engine::instance_name(std::size_t index) const {
  return impl_->contracts.at(index)->instance;
}

std::optional<std::string> Engine::parameter_text(std::size_t index,
                                                  std::string_view parameter) const {
  const ContractRuntime& contract = *impl_->contracts.at(index);
  const CheckedContract& checked = contract.loaded.checked;
  const int position = checked.parameter_index(parameter);
  if (position < 0 || static_cast<std::size_t>(position) >= contract.parameter_texts.size() ||
      !checked.parameters[static_cast<std::size_t>(position)].type.is(Kind::text)) {
    return std::nullopt;
  }
  return contract.parameter_texts[static_cast<std::size_t>(position)];
}

}  // namespace proviso
