#pragma once
// Collects what is wrong with an import file, so one refusal names every bad line (up to a limit)
// instead of only the first: the user fixes the file in one go. The line stays short: as many
// reasons as fit, then how many more.
#include <cstddef>
#include <string>
#include <vector>

namespace qtb {

class ImportErrors {
 public:
  explicit ImportErrors(std::string file_name) : file_(std::move(file_name)) {}

  void add(std::size_t line, const std::string& reason);  // "line N: reason"
  void add_at(const std::string& location, const std::string& reason);
  bool empty() const { return errors_.empty(); }

  // Throws InputError for a problem with the whole file.
  [[noreturn]] void refuse(const std::string& reason) const;
  // When any error was added, throws one InputError (one line): the file, how many of `rows` rows
  // are bad (rows = 0 when the header is at fault), and the first errors (as many as fit in about
  // 120 characters) with their lines.
  void throw_if_any(std::size_t rows) const;

 private:
  std::string file_;
  std::vector<std::string> errors_;
};

}  // namespace qtb
