#pragma once
// The JSON API of DESIGN.md under /api/v1/: the documents `qutibench ... --format json` prints
// for the same filters (each made by the same library function), or CSV for `Accept: text/csv`
// or `format=csv`. Routes and parameters: docs/portal.md.
#include <string_view>

#include "serve/portal_data.hpp"
#include "serve/query_params.hpp"
#include "serve/response.hpp"

namespace qtb::serve {

// `path` starts with /api/. Bad input throws InputError (400), an unknown route or id NotFound.
Response handle_api(PortalData& data, std::string_view path, const QueryParams& params,
                    bool accepts_csv);

}  // namespace qtb::serve
