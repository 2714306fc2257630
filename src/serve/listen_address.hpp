#pragma once
// `--listen HOST:PORT`: an IPv4 address or a host name, and a port (0 = any free port).
#include <string>
#include <string_view>

namespace qtb::serve {

struct ListenAddress {
  std::string host;
  int port = 0;
};

// Throws InputError for a missing ':', an empty host, or a port outside 0..65535.
ListenAddress parse_listen_address(std::string_view text);

}  // namespace qtb::serve
