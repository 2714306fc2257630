#include "report/chart_fields.hpp"

#include <fmt/format.h>

#include <cctype>

#include "core/text.hpp"

namespace qtb {

const std::vector<std::string>& report_task_order() {
  static const std::vector<std::string> order{"mnist", "fashion-mnist", "cifar10", "imagenet"};
  return order;
}

std::string task_title(const std::string& task) {
  if (task == "mnist") return "MNIST";
  if (task == "fashion-mnist") return "Fashion-MNIST";
  if (task == "cifar10") return "CIFAR-10";
  if (task == "imagenet") return "ImageNet";
  return task.empty() ? "(no task)" : task;
}

std::string variant_name(const std::string& topology, double prune, const std::string& precision) {
  return fmt::format("{} {}% {}", topology, format_number(prune * 100.0), precision);
}

std::string deployment_name(const analytics::Deployment& d) {
  std::string name;
  if (!d.backend.empty()) name += d.backend + " ";
  return name + fmt::format("{} b{} t{} s{}", d.op_mode, d.batch, d.threads, d.streams);
}

std::string slug(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u))
      out += static_cast<char>(std::tolower(u));
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

nlohmann::json number_or_null(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json point_identity(const ResultRow& row) {
  return {{"source", row.source},
          {"task", row.dataset},
          {"platform", row.platform},
          {"op_mode", row.op_mode},
          {"topology", row.topology},
          {"precision", row.precision},
          {"prune_pct", row.prune * 100.0},
          {"variant", variant_name(row.topology, row.prune, row.precision)},
          {"deployment", deployment_name(analytics::deployment_of(row))},
          {"level", row.level}};
}

nlohmann::json vega_lite_base(const std::string& title, nlohmann::json values, int width,
                              int height) {
  return {{"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
          {"title", title},
          {"width", width},
          {"height", height},
          {"data", {{"values", std::move(values)}}},
          // Legends below the plot keep a chart narrow enough for two side by side.
          {"config",
           {{"legend",
             {{"orient", "bottom"},
              {"direction", "horizontal"},
              {"columns", 4},
              {"labelLimit", 160},
              {"titleLimit", 240}}}}}};
}

nlohmann::json platform_color(const std::vector<std::string>& platforms, const std::string& field) {
  return {
      {"field", field},
      {"type", "nominal"},
      {"title", "platform"},
      // tableau10's ten distinct hues cover the paper's nine platforms and this machine;
      // tableau20 (pairs of similar hues) only where more are needed.
      {"scale",
       {{"domain", platforms}, {"scheme", platforms.size() <= 10 ? "tableau10" : "tableau20"}}}};
}

nlohmann::json source_shape() {
  return {{"field", "source"},
          {"type", "nominal"},
          {"title", "source"},
          {"scale", {{"domain", {"paper", "ours"}}, {"range", {"circle", "triangle-up"}}}}};
}

nlohmann::json source_color() {
  return {{"field", "source"},
          {"type", "nominal"},
          {"title", "source"},
          {"scale", {{"domain", {"paper", "ours"}}, {"range", {"#4c78a8", "#e45756"}}}}};
}

nlohmann::json tip(const std::string& field, const std::string& title, bool number) {
  nlohmann::json t{
      {"field", field}, {"title", title}, {"type", number ? "quantitative" : "nominal"}};
  if (number) t["format"] = ".4~g";
  return t;
}

}  // namespace qtb
