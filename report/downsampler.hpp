// A metric's series for the report's charts, bounded however long the log: at most a fixed
// number of time buckets, each keeping its first, lowest, highest and last point.
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <vector>

#include "report/report.hpp"

namespace proviso {

// A series reduced to at most `buckets` time buckets of four points each. Buckets double in
// width whenever the series outgrows them, so no range needs to be known in advance.
class Downsampler {
 public:
  explicit Downsampler(std::size_t buckets) : max_(std::max<std::size_t>(buckets, 8)) {}

  void add(std::int64_t micros, double value) {
    if (buckets_.empty()) origin_ = micros;
    const SeriesPoint point{micros, value};
    std::size_t index = bucket_of(micros);
    while (index >= max_) {
      halve();
      index = bucket_of(micros);
    }
    if (index >= buckets_.size()) buckets_.resize(index + 1);
    Bucket& bucket = buckets_[index];
    if (!bucket.used) {
      bucket = Bucket{true, point, point, point, point};
      return;
    }
    bucket.last = point;
    if (value < bucket.low.value) bucket.low = point;
    if (value > bucket.high.value) bucket.high = point;
  }

  // An exact point that sampling must keep (a transition's instant).
  void pin(std::int64_t micros, double value) { pins_.push_back({micros, value}); }

  std::vector<SeriesPoint> points() const {
    std::vector<SeriesPoint> out;
    for (const Bucket& bucket : buckets_) {
      if (!bucket.used) continue;
      SeriesPoint four[] = {bucket.first, bucket.low, bucket.high, bucket.last};
      std::stable_sort(
          std::begin(four), std::end(four),
          [](const SeriesPoint& a, const SeriesPoint& b) { return a.micros < b.micros; });
      for (const SeriesPoint& point : four) {
        if (out.empty() || out.back().micros != point.micros || out.back().value != point.value) {
          out.push_back(point);
        }
      }
    }
    std::vector<SeriesPoint> merged;
    merged.reserve(out.size() + pins_.size());
    std::merge(out.begin(), out.end(), pins_.begin(), pins_.end(), std::back_inserter(merged),
               [](const SeriesPoint& a, const SeriesPoint& b) { return a.micros < b.micros; });
    return merged;
  }

 private:
  struct Bucket {
    bool used = false;
    SeriesPoint first, low, high, last;
  };
  std::size_t max_;
  std::int64_t origin_ = 0;
  std::int64_t width_ = 3600 * kMicrosPerSecond;
  std::vector<Bucket> buckets_;
  std::vector<SeriesPoint> pins_;

  std::size_t bucket_of(std::int64_t micros) const {
    return static_cast<std::size_t>((micros - origin_) / width_);
  }

  void halve() {
    std::vector<Bucket> merged((buckets_.size() + 1) / 2);
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
      const Bucket& from = buckets_[i];
      Bucket& into = merged[i / 2];
      if (!from.used) continue;
      if (!into.used) {
        into = from;
        continue;
      }
      into.last = from.last;
      if (from.low.value < into.low.value) into.low = from.low;
      if (from.high.value > into.high.value) into.high = from.high;
    }
    buckets_ = std::move(merged);
    width_ *= 2;
  }
};

}  // namespace proviso
