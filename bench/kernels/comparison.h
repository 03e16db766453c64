// Accumulates how far a kernel's outputs are from their reference, and prints one verdict line.
#pragma once
#include <cmath>
#include <cstdio>
#include <string>

class Comparison {
 public:
  Comparison(double atol, double rtol) : atol_(atol), rtol_(rtol) {}

  // got must be within atol + rtol * |ref|; NaN never passes.
  void add(double got, double ref) {
    ++count_;
    const double err = std::fabs(got - ref);
    if (!(err <= atol_ + rtol_ * std::fabs(ref))) ++bad_;
    if (std::isnan(got)) ++nan_;
    else if (err > max_err_) max_err_ = err;
  }
  // A value the kernel must have left alone (or written exactly).
  void require(bool ok) {
    ++count_;
    if (!ok) ++bad_;
  }

  bool ok() const { return bad_ == 0 && count_ > 0; }
  double max_err() const { return max_err_; }

  // Prints "PASS|FAIL kernel case: ..." and returns ok().
  bool report(const std::string& kernel, const std::string& what) const {
    std::printf("%s  %-17s %-64s max_abs_err=%.3g bad=%lld/%lld nan=%lld\n", ok() ? "PASS" : "FAIL",
                kernel.c_str(), what.c_str(), max_err_, bad_, count_, nan_);
    std::fflush(stdout);
    return ok();
  }

 private:
  double atol_, rtol_;
  double max_err_ = 0;
  long long count_ = 0, bad_ = 0, nan_ = 0;
};
