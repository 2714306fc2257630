#include "serve/pages.hpp"

#include "core/text.hpp"

namespace qtb::serve {

Response handle_page(PortalData&, std::string_view path, const QueryParams&) {
  throw NotFound("no page " + quote_value(path, 60));
}

}  // namespace qtb::serve
