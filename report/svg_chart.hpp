// A small writer of inline SVG charts for the HTML report: step series over time, dashed
// target lines with labels, and markers with tooltips. Coordinates are printed with fixed
// precision, so the same chart gives the same bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/escape.hpp"  // html_escape, for the chart and the page around it

namespace proviso {

struct ChartXY {
  double x = 0;  // seconds since 1970 (any linear scale works)
  double y = 0;
};

/// A series drawn as steps: each value holds until the next point.
struct ChartSeries {
  std::string label;
  std::vector<ChartXY> points;
  std::string css_class;  // "series", "total"
  bool filled = false;    // shade the area under it
  std::string end_label;  // shown right of its last point, e.g. the latest total
};

/// A target line (steps when it moves), labelled right of the plot.
struct ChartGuide {
  std::string label;
  std::vector<ChartXY> steps;
};

/// A point of interest: a circle with a short label and a tooltip.
struct ChartPin {
  ChartXY at;
  std::string label;      // shown next to it ("T1 vested")
  std::string tooltip;    // shown on hover (<title>)
  std::string css_class;  // "marker met", "marker lapsed"…
};

struct ChartTick {
  double at = 0;
  std::string label;
};

struct ChartSpec {
  std::string css_class;  // on the <svg>: "chart metric-chart"
  std::string title;      // for assistive technology (<title>)
  std::string data_name;  // data-name attribute: the metric or unit charted
  std::string unit;       // after the y axis' numbers ("GW"), may be empty
  double x_min = 0;
  double x_max = 1;
  std::vector<ChartTick> x_ticks;
  std::vector<ChartSeries> series;
  std::vector<ChartGuide> guides;
  std::vector<ChartPin> pins;
  double height = 300;         // in the same units as the width, 960
  bool whole_numbers = false;  // counts: ticks only at whole numbers
  bool from_zero = true;       // amounts read against zero; ratios against their own range
};

/// The chart as an <svg> element (escaped text, no scripts).
std::string render_chart_svg(const ChartSpec& spec);

/// About `count` round values (1, 2 or 5 × 10^k apart) covering [low, high].
std::vector<double> nice_ticks(double low, double high, int count);

/// "1,250", "2.5", "0.25", "26.67M": a number for an axis label, grouped, without trailing
/// zeros, millions and more in short (M, B, T).
std::string axis_number(double value);

}  // namespace proviso
