// The one way the core reports failure: throw convt::Error with a status and a message.
// The C layer (capi/) catches it and turns it into a convt_status plus convt_last_error().
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "convt/convt.h"

namespace convt_impl {

class Error : public std::runtime_error {
 public:
  Error(convt_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  convt_status status() const { return status_; }

 private:
  convt_status status_;
};

// Builds a message from streamable pieces: fail(CONVT_ERROR_INVALID_ARGUMENT, "x: ", x).
template <typename... Parts>
[[noreturn]] void fail(convt_status status, const Parts&... parts) {
  std::ostringstream message;
  (message << ... << parts);
  throw Error(status, message.str());
}

}  // namespace convt_impl
