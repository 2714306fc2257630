#include "serve/api.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/text.hpp"
#include "report/analysis_output.hpp"
#include "report/listing_output.hpp"
#include "report/results_output.hpp"
#include "report/stored_analysis.hpp"
#include "serve/predict_request.hpp"
#include "serve/row_request.hpp"
#include "serve/serve_limits.hpp"
#include "store/row_id.hpp"

namespace qtb::serve {
namespace {

constexpr std::string_view kPrefix = "/api/v1/";

// format= wins over the Accept header; json unless either asks for CSV.
OutputFormat requested_format(const QueryParams& params, bool accepts_csv) {
  if (params.has("format")) {
    const std::string format = to_lower(params.text("format"));
    if (format == "json") return OutputFormat::Json;
    if (format == "csv") return OutputFormat::Csv;
    throw InputError("format = " + quote_value(params.text("format"), 24) + " must be json or csv");
  }
  return accepts_csv ? OutputFormat::Csv : OutputFormat::Json;
}

// Pagination beside the body, so the body stays exactly the command line's document.
std::vector<std::pair<std::string, std::string>> paging_headers(std::size_t total,
                                                                std::int64_t offset,
                                                                std::int64_t limit) {
  return {{"X-Total-Count", std::to_string(total)},
          {"X-Offset", std::to_string(offset)},
          {"X-Limit", std::to_string(limit)}};
}

Response document(std::string body, OutputFormat format) {
  return {200,
          format == OutputFormat::Csv ? "text/csv; charset=utf-8" : "application/json",
          std::move(body),
          {}};
}

Response rows_route(PortalData& data, const QueryParams& params, bool accepts_csv) {
  params.check_names(row_filter_parameters_and({"limit", "offset", "format"}));
  const OutputFormat format = requested_format(params, accepts_csv);
  const RowRequest request = parse_row_request(data, params);
  const auto limit = params.count("limit", kRowLimitRange, kDefaultRowLimit);
  const auto offset = params.count("offset", kRowOffsetRange, 0);
  const auto set = data.select(request.filter);
  const std::vector<std::size_t> selected = select_rows(*set, request);
  std::vector<ResultRow> page;
  const std::size_t first = std::min(selected.size(), static_cast<std::size_t>(offset));
  const std::size_t last = std::min(selected.size(), first + static_cast<std::size_t>(limit));
  for (std::size_t i = first; i < last; ++i) page.push_back(set->rows[selected[i]]);
  Response response = document(render_results(page, format), format);
  response.headers = paging_headers(selected.size(), offset, limit);
  return response;
}

Response row_route(PortalData& data, std::string_view id, const QueryParams& params) {
  params.check_names({});
  if (!is_row_id(id)) {
    throw InputError(fmt::format("row id {} must be {} lower-case hex digits", quote_value(id, 24),
                                 kRowIdLength));
  }
  const auto set = data.all_rows();
  const auto it = set->index_of_id.find(std::string(id));
  if (it == set->index_of_id.end()) throw NotFound("no row with id " + quote_value(id, 24));
  return document(row_with_id(set->rows[it->second]).dump(1) + "\n", OutputFormat::Json);
}

Response analysis_route(PortalData& data, std::string_view name, const QueryParams& params,
                        bool accepts_csv) {
  if (std::find(analysis_names().begin(), analysis_names().end(), name) == analysis_names().end())
    throw NotFound("no analysis " + quote_value(name, 24) +
                   " (analyses: pareto, box, orthogonality, speedup, theory)");
  params.check_names(row_filter_parameters_and({"frontier_only", "format", "limit", "offset"}));
  const OutputFormat format = requested_format(params, accepts_csv);
  RowRequest request = parse_row_request(data, params);
  request.filter.valid_only = true;  // as analyze-results: invalid rows are no evidence
  const bool frontier_only = params.flag("frontier_only");
  const auto limit = params.count("limit", kRowLimitRange, kDefaultRowLimit);
  const auto offset = params.count("offset", kRowOffsetRange, 0);
  const std::string key =
      fmt::format("analysis {} {} {} {}", name, filter_key(request.filter),
                  request.prune ? format_number(*request.prune) : "", frontier_only);
  const auto analysis = data.analysis(key, [&] {
    const auto set = data.select(request.filter);
    auto rows = std::make_shared<std::vector<ResultRow>>();
    for (std::size_t i : select_rows(*set, request)) rows->push_back(set->rows[i]);
    return std::make_shared<const StoredAnalysis>(name, std::move(rows), frontier_only,
                                                  data.catalog());
  });
  const ListWindow window{static_cast<std::size_t>(offset), static_cast<std::size_t>(limit)};
  Response response = document(analysis->render(format, window), format);
  response.headers = paging_headers(analysis->list_size(), offset, limit);
  return response;
}

Response predict_route(PortalData& data, const QueryParams& params, bool accepts_csv) {
  params.check_names({"model", "prune", "precision", "platform", "op_mode", "storage", "batch",
                      "layers", "format"});
  const OutputFormat format = requested_format(params, accepts_csv);
  DesignSpace text;
  const auto take = [&](std::string_view name, std::string& out) {
    if (params.has(name)) out = params.text(name);
  };
  take("model", text.models);
  take("prune", text.prunes);
  take("precision", text.precisions);
  take("platform", text.platforms);
  take("op_mode", text.op_modes);
  take("storage", text.storage);
  text.batch = params.count("batch", {1, kMaxBatch, "inputs"}, 1);
  const bool layers = params.flag("layers");
  const AnalysisRequest request = bounded_analysis_request(text, data.catalog());
  return document(render_analysis(analyze(request), request.storage, format, layers), format);
}

}  // namespace

Response handle_api(PortalData& data, std::string_view path, const QueryParams& params,
                    bool accepts_csv) {
  if (!path.starts_with(kPrefix)) throw NotFound("no API route " + quote_value(path, 60));
  const std::string_view route = path.substr(kPrefix.size());
  if (route == "rows") return rows_route(data, params, accepts_csv);
  if (route.starts_with("rows/")) return row_route(data, route.substr(5), params);
  if (route.starts_with("analyses/"))
    return analysis_route(data, route.substr(9), params, accepts_csv);
  if (route == "predict") return predict_route(data, params, accepts_csv);
  if (route == "platforms" || route == "models") {
    params.check_names({"format"});
    const OutputFormat format = requested_format(params, accepts_csv);
    return document(
        route == "models" ? render_models(format) : render_platforms(data.catalog(), format),
        format);
  }
  throw NotFound("no API route " + quote_value(path, 60) +
                 " (routes: /api/v1/rows, /rows/{id}, /analyses/{name}, /predict, /platforms, "
                 "/models)");
}

}  // namespace qtb::serve
