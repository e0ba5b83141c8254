// Errors caused by user input (files, options, values): reported on stderr, exit status 2.
#pragma once

#include <stdexcept>
#include <string>

namespace ngpc {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace ngpc
