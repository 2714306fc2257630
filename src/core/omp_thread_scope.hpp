#pragma once
// Sets the OpenMP thread count of the calling thread (a per-thread ICV) for the scope's lifetime
// and restores the previous value afterwards. oneDNN sizes its parallel work from this value both
// when a primitive is created and when it runs, so its compile() and run() both open one; the
// trainer's OpenMP loops use it too.
namespace qtb {

class OmpThreadScope {
 public:
  explicit OmpThreadScope(int threads);
  ~OmpThreadScope();
  OmpThreadScope(const OmpThreadScope&) = delete;
  OmpThreadScope& operator=(const OmpThreadScope&) = delete;

 private:
  int previous_;
};

}  // namespace qtb
