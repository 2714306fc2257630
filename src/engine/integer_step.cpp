#include "engine/integer_step.hpp"

namespace qtb {

std::string integer_step_kind(QOpKind kind, std::string_view gemm_path, bool im2col,
                              bool requantizes) {
  switch (kind) {
    case QOpKind::Conv:
    case QOpKind::Dense:
      return std::string(im2col && kind == QOpKind::Conv ? "im2col+" : "") +
             std::string(gemm_path) + (requantizes ? "+requantize" : "+int32 out");
    case QOpKind::MaxPool:
      return "max_pool";
    case QOpKind::AvgPool:
      return "avg_pool";
    case QOpKind::GlobalAvgPool:
      return "global_avg_pool";
    case QOpKind::Add:
      return "add";
    case QOpKind::Concat:
      return "concat";
    case QOpKind::Flatten:
      return "flatten";
  }
  return "?";
}

}  // namespace qtb
