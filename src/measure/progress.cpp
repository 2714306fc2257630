#include "measure/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace qtb {

bool stderr_is_terminal() {
  return isatty(STDERR_FILENO) == 1;
}

Progress::Progress(int total_points, bool enabled, std::FILE* out)
    : total_(total_points),
      enabled_(enabled),
      out_(out),
      start_(std::chrono::steady_clock::now()) {}

std::string Progress::eta() const {
  if (done_ == 0) return {};
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double left = elapsed / done_ * (total_ - done_);
  const auto seconds = static_cast<long>(left + 0.5);
  return seconds >= 60 ? fmt::format("{}m{:02}s", seconds / 60, seconds % 60)
                       : fmt::format("{}s", seconds);
}

namespace {
// \r and "erase to end of line" redraw the one status line in place.
constexpr const char* kClearLine = "\r\033[K";
}  // namespace

void Progress::draw(double fraction, const std::string& detail) {
  if (!enabled_) return;
  const std::string eta_text = eta();
  fmt::print(out_, "{}[{}/{}] {} {:3.0f}%{}{}", kClearLine, done_ + 1, total_, label_,
             fraction * 100, detail.empty() ? "" : "  " + detail,
             eta_text.empty() ? "" : "  ETA " + eta_text);
  std::fflush(out_);
}

void Progress::begin_point(const std::string& label) {
  label_ = label;
  draw(0, {});
}

void Progress::update(double fraction_of_point, const std::string& detail) {
  draw(fraction_of_point, detail);
}

void Progress::end_point(const std::string& outcome) {
  ++done_;
  if (!enabled_) return;
  fmt::print(out_, "{}[{}/{}] {}: {}\n", kClearLine, done_, total_, label_, outcome);
  std::fflush(out_);
}

void Progress::end_point_with_line(const std::string& line) {
  ++done_;
  const std::string eta_text = done_ < total_ ? eta() : std::string();
  fmt::print(out_, "{}{}{}\n", enabled_ ? kClearLine : "", line,
             eta_text.empty() ? "" : "  ETA " + eta_text);
  std::fflush(out_);
}

}  // namespace qtb
