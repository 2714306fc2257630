#pragma once
// The portal's server-rendered pages: /, /rows, /rows/{id}, /compare, /predict. Each page's whole
// state is in its URL. Every value is escaped (report_tables' html_escape); charts are the
// report's Vega-Lite specs in a JSON <script> block that /static/portal.js embeds.
#include <string_view>

#include "serve/portal_data.hpp"
#include "serve/query_params.hpp"
#include "serve/response.hpp"

namespace qtb::serve {

// Throws InputError (400) for a bad parameter and NotFound (404) for an unknown page or row.
Response handle_page(PortalData& data, std::string_view path, const QueryParams& params);

}  // namespace qtb::serve
