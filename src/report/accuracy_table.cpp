#include "report/accuracy_table.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/table.hpp"

namespace qtb {
namespace {

std::string percent(double fraction) {
  return fmt::format("{:.2f}", 100.0 * fraction);
}

// "reference 2000/2000, gemmlowp 10000/10000": images with identical predictions per backend.
std::string agreement_text(const VariantOutcome& o) {
  std::string text;
  for (const BackendAgreement& a : o.agreement) {
    if (!text.empty()) text += ", ";
    text += fmt::format("{} {}/{}", a.backend, a.images - a.different, a.images);
  }
  return text.empty() ? "-" : text;
}

}  // namespace

std::string render_accuracy_outcomes(std::span<const VariantOutcome> outcomes,
                                     OutputFormat format) {
  if (format == OutputFormat::Json) {
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const VariantOutcome& o : outcomes) {
      nlohmann::ordered_json agreement = nlohmann::ordered_json::array();
      for (const BackendAgreement& a : o.agreement) {
        agreement.push_back(
            {{"backend", a.backend}, {"images", a.images}, {"different", a.different}});
      }
      rows.push_back({{"topology", o.topology},
                      {"prune", o.prune},
                      {"precision", o.precision.name()},
                      {"dataset", o.dataset},
                      {"top1", 100.0 * o.top1()},
                      {"top1_ci95_low", 100.0 * o.top1_interval.low},
                      {"top1_ci95_high", 100.0 * o.top1_interval.high},
                      {"accuracy_samples", o.samples},
                      {"accuracy_source", "measured"},
                      {"backend", o.backend},
                      {"identical_predictions", agreement},
                      {"method", o.method},
                      {"epochs", o.epochs},
                      {"make_seconds", o.make_seconds ? nlohmann::ordered_json(*o.make_seconds)
                                                      : nlohmann::ordered_json()},
                      {"resumed", o.reused},
                      {"model_file", o.model_file.string()}});
    }
    return nlohmann::ordered_json{{"variants", rows}}.dump(1) + "\n";
  }
  Table table({"topology", "prune", "precision", "top1_%", "ci95_low", "ci95_high", "samples",
               "backend", "identical_on", "epochs", "make_s", "resumed", "method", "model_file"});
  for (const VariantOutcome& o : outcomes) {
    table.add_row({o.topology, fmt::format("{}", o.prune), o.precision.name(), percent(o.top1()),
                   percent(o.top1_interval.low), percent(o.top1_interval.high),
                   std::to_string(o.samples), o.backend, agreement_text(o),
                   std::to_string(o.epochs),
                   o.make_seconds ? fmt::format("{:.1f}", *o.make_seconds) : "",
                   o.reused ? "yes" : "no", o.method, o.model_file.string()});
  }
  return format == OutputFormat::Csv ? table.to_csv() : table.to_text();
}

std::string render_accuracy_pivot(std::span<const VariantOutcome> outcomes) {
  std::vector<std::string> precisions;
  std::vector<double> scales;
  for (const VariantOutcome& o : outcomes) {
    if (std::find(precisions.begin(), precisions.end(), o.precision.name()) == precisions.end())
      precisions.push_back(o.precision.name());
    if (std::find(scales.begin(), scales.end(), o.prune) == scales.end()) scales.push_back(o.prune);
  }
  std::string out = "| topology | scale |";
  for (const auto& p : precisions) out += " " + p + " |";
  out += "\n|---|---|";
  for (std::size_t i = 0; i < precisions.size(); ++i) out += "---|";
  out += "\n";
  for (const double scale : scales) {
    std::string topology;
    std::string cells;
    for (const auto& p : precisions) {
      std::string cell;
      for (const VariantOutcome& o : outcomes) {
        if (o.prune == scale && o.precision.name() == p) {
          topology = o.topology;
          cell = fmt::format("{} [{}, {}]", percent(o.top1()), percent(o.top1_interval.low),
                             percent(o.top1_interval.high));
        }
      }
      cells += " " + cell + " |";
    }
    out += fmt::format("| {} | {} |{}\n", topology, scale, cells);
  }
  return out;
}

}  // namespace qtb
