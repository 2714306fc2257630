#include "serve/listen_address.hpp"

#include "core/error.hpp"
#include "core/parse_number.hpp"
#include "core/text.hpp"

namespace qtb::serve {

ListenAddress parse_listen_address(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    throw InputError("--listen " + quote_value(text) + " must be HOST:PORT (127.0.0.1:8080)");
  const auto port = parse_int64(text.substr(colon + 1));
  if (!port || *port < 0 || *port > 65535) {
    throw InputError("--listen " + quote_value(text) +
                     ": the port must be a number from 0 (any free port) to 65535");
  }
  return {std::string(text.substr(0, colon)), static_cast<int>(*port)};
}

}  // namespace qtb::serve
