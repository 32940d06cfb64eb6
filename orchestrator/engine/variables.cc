#include "orchestrator/engine/variables.h"

#include <algorithm>

#include "boost/json/serializer.hpp"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;

json::string_view Key(std::string_view name) { return {name.data(), name.size()}; }

// Compact JSON length of `value`, counting stopped once past `stop_after`.
size_t BoundedSize(const json::value& value, size_t stop_after) {
  json::serializer serializer;
  serializer.reset(&value);
  char buffer[4096];
  size_t size = 0;
  while (!serializer.done() && size <= stop_after) {
    size += serializer.read(buffer, sizeof(buffer)).size();
  }
  return size;
}

}  // namespace

const json::value* VariableScope::Find(std::string_view name) const {
  for (const json::object* scope : scopes_) {
    if (scope == nullptr) continue;
    if (const json::value* value = scope->if_contains(Key(name))) return value;
  }
  return nullptr;
}

bool VariableScope::DefinedLocally(std::string_view name) const {
  return !scopes_.empty() && scopes_[0] != nullptr && scopes_[0]->contains(Key(name));
}

bool VariableScope::DefinedOutside(std::string_view name) const {
  for (size_t i = 1; i < scopes_.size(); ++i) {
    if (scopes_[i] != nullptr && scopes_[i]->contains(Key(name))) return true;
  }
  return false;
}

json::object VariableScope::Visible() const {
  json::object all;
  for (const json::object* scope : scopes_) {
    if (scope == nullptr) continue;
    for (const auto& member : *scope) {
      if (!all.contains(member.key())) all.emplace(member.key(), member.value());
    }
  }
  return all;
}

size_t VariableScope::TotalBytes(size_t stop_after) const {
  size_t total = 0;
  for (const json::object* scope : scopes_) {
    if (scope == nullptr) continue;
    for (const auto& member : *scope) {
      total += BoundedSize(member.value(), stop_after - std::min(total, stop_after));
      if (total > stop_after) return total;
    }
  }
  return total;
}

bool VariableScope::empty() const {
  for (const json::object* scope : scopes_) {
    if (scope != nullptr && !scope->empty()) return false;
  }
  return true;
}

}  // namespace stepwise::engine
