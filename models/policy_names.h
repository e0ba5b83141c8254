// Names of the configuration's enum choices, as the JSON files spell them: the config loader
// resolves a name to its enum once (parse_policy), reports print it back (policy_name).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>

namespace ngpc {

// Specialised next to each enum: `static constexpr const char* names[]`, in enum order.
template <class E>
struct PolicyNames;

template <class E>
const char* policy_name(E e) {
  return PolicyNames<E>::names[static_cast<size_t>(e)];
}

// False when `name` is not one of E's names.
template <class E>
bool parse_policy(const std::string& name, E* out) {
  const auto& names = PolicyNames<E>::names;
  for (size_t i = 0; i < std::size(names); ++i)
    if (name == names[i]) {
      *out = static_cast<E>(i);
      return true;
    }
  return false;
}

}  // namespace ngpc
