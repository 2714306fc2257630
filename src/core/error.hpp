#pragma once
// Error kinds. InputError means the user gave something wrong (an option, a file, a name): the app
// prints its message on one line and exits 2. Anything else escaping is a bug (exit 1).
#include <stdexcept>
#include <string>

namespace qtb {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Asking a backend (or the lowering) for something it does not support: a clear message, exit 2,
// never a fallback. Sweeps skip such points with the reason.
class UnsupportedError : public InputError {
 public:
  using InputError::InputError;
};

}  // namespace qtb
