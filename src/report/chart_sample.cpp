#include "report/chart_sample.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace qtb {

std::size_t sample_stride(std::size_t count, std::size_t budget) {
  budget = std::max<std::size_t>(budget, 1);
  return count <= budget ? 1 : (count + budget - 1) / budget;
}

std::size_t sampled_count(std::size_t count, std::size_t stride) {
  return count == 0 ? 0 : (count - 1) / stride + 1;
}

std::string sample_note(std::size_t count, std::size_t stride, const std::string& what) {
  if (stride <= 1) return "";
  return fmt::format(" Drawn: 1 in {} of the {} {}, {} in all (a chart draws at most {}).", stride,
                     count, what, sampled_count(count, stride), kMaxChartPoints);
}

}  // namespace qtb
