#pragma once
// The pages about stored rows: /rows (filter, sort, page), /rows/{id} (every column, provenance,
// the command that reproduces it), /compare?ids=a,b (side by side, ratios, the report's charts)
// and /predict (the L0 explorer beside measured rows of the same variants).
#include <string_view>

#include "serve/portal_data.hpp"
#include "serve/query_params.hpp"
#include "serve/response.hpp"

namespace qtb::serve {

Response rows_page(PortalData& data, const QueryParams& params);
Response row_page(PortalData& data, std::string_view id, const QueryParams& params);
Response compare_page(PortalData& data, const QueryParams& params);
Response predict_page(PortalData& data, const QueryParams& params);

}  // namespace qtb::serve
