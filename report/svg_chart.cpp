#include "report/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace proviso {

namespace {

constexpr double kWidth = 960;
constexpr double kLeft = 64;
constexpr double kGuideRoom = 176;  // right of the plot, for the targets' labels
constexpr double kBottom = 30;
constexpr double kLabelRow = 13;
constexpr int kLabelRows = 3;
constexpr std::size_t kMaxLabelledPins = 40;

// Fixed precision keeps the output byte-identical for the same data.
std::string n(double value) {
  if (std::abs(value) < 0.05) value = 0;
  return fmt::format("{:.1f}", value);
}

// A rough width of a label at the font size the stylesheet sets (11px).
double text_width(std::string_view text) {
  double width = 0;
  for (const char c : text) {
    // Count characters, not the continuation bytes of a UTF-8 sequence.
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) width += 6.2;
  }
  return width;
}

struct Frame {
  double x_min, x_max, y_min, y_max;
  double height, top, right;  // right: the margin right of the plot
  double x(double value) const {
    const double span = x_max > x_min ? x_max - x_min : 1;
    return kLeft + (value - x_min) / span * (kWidth - kLeft - right);
  }
  double y(double value) const {
    const double span = y_max > y_min ? y_max - y_min : 1;
    return height - kBottom - (value - y_min) / span * (height - top - kBottom);
  }
};

std::string step_path(const Frame& frame, const std::vector<ChartXY>& points) {
  std::string d;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double x = frame.x(points[i].x);
    const double y = frame.y(points[i].y);
    if (i == 0) {
      d += fmt::format("M{} {}", n(x), n(y));
    } else {
      d += fmt::format("H{}V{}", n(x), n(y));
    }
  }
  return d;
}

}  // namespace

std::vector<double> nice_ticks(double low, double high, int count) {
  if (!(high > low)) high = low + 1;
  count = std::max(count, 2);
  // Of the round steps near (high - low) / count, the one that wastes the least room above and
  // below the values, with about count + 1 ticks.
  const double magnitude = std::pow(10, std::floor(std::log10((high - low) / count)));
  double best_step = 0;
  double best_score = std::numeric_limits<double>::infinity();
  for (const double scale : {magnitude / 10, magnitude, magnitude * 10}) {
    for (const double factor : {1.0, 2.0, 2.5, 5.0}) {
      const double step = factor * scale;
      const double bottom = std::floor(low / step + 1e-9) * step;
      const double top = std::ceil(high / step - 1e-9) * step;
      const double ticks = std::round((top - bottom) / step) + 1;
      if (ticks < 3 || ticks > count + 3) continue;
      const double waste = ((top - high) + (low - bottom)) / (top - bottom);
      const double score = waste + 0.03 * std::abs(ticks - (count + 1));
      if (score < best_score - 1e-12) {
        best_score = score;
        best_step = step;
      }
    }
  }
  if (best_step == 0) best_step = magnitude;
  std::vector<double> ticks;
  const double first = std::floor(low / best_step + 1e-9);
  for (double i = first; ticks.size() < 50; ++i) {
    const double tick = i * best_step;
    ticks.push_back(std::abs(tick) < best_step * 1e-9 ? 0 : tick);
    if (tick >= high - best_step * 1e-9) break;
  }
  return ticks;
}

std::string axis_number(double value) {
  // Millions and more in short: "26.67M" fits where "26,666,667" would not.
  const char* suffix = "";
  for (const auto& [size, word] : {std::pair{1e12, "T"}, {1e9, "B"}, {1e6, "M"}}) {
    if (std::abs(value) >= size) {
      value /= size;
      suffix = word;
      break;
    }
  }
  std::string text = fmt::format("{:.2f}", value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  if (text == "-0") text = "0";
  const bool negative = text[0] == '-';
  const std::size_t start = negative ? 1 : 0;
  std::size_t point = text.find('.');
  if (point == std::string::npos) point = text.size();
  for (std::size_t i = point; i > start + 3; i -= 3) text.insert(i - 3, ",");
  return text + suffix;
}

std::string render_chart_svg(const ChartSpec& spec) {
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  auto include = [&](double y) {
    low = std::min(low, y);
    high = std::max(high, y);
  };
  for (const auto& series : spec.series) {
    for (const auto& point : series.points) include(point.y);
  }
  for (const auto& guide : spec.guides) {
    for (const auto& step : guide.steps) include(step.y);
  }
  for (const auto& pin : spec.pins) include(pin.at.y);
  if (!(high >= low)) low = high = 0;
  if (spec.from_zero && low > 0) low = 0;
  if (!spec.from_zero && high > low) {
    // A ratio: its own range, with room below, not below zero when it never is.
    const double padded = low - (high - low) * 0.25;
    low = low >= 0 ? std::max(0.0, padded) : padded;
  }
  if (high == low) high = low + 1;
  std::vector<double> ticks = nice_ticks(low, high, 5);
  if (spec.whole_numbers && ticks.size() > 1 && ticks[1] - ticks[0] < 1) {
    ticks.clear();  // counts: no ticks between whole numbers
    for (double tick = std::floor(low); tick <= std::ceil(high); ++tick) ticks.push_back(tick);
  }
  const double top =
      spec.pins.empty() || spec.pins.size() > kMaxLabelledPins ? 24 : 20 + kLabelRows * kLabelRow;
  const Frame frame{spec.x_min,
                    spec.x_max,
                    std::min(low, ticks.front()),
                    std::max(high, ticks.back()),
                    spec.height,
                    top,
                    kGuideRoom};
  const double height = spec.height;

  std::string out = fmt::format(
      "<svg class=\"{}\" data-name=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" "
      "xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title>\n",
      html_escape(spec.css_class), html_escape(spec.data_name), kWidth, height,
      html_escape(spec.title));
  const double plot_right = kWidth - frame.right;
  // Value grid, with the unit above the axis.
  out += "<g class=\"grid\">";
  for (const double tick : ticks) {
    const double y = frame.y(tick);
    out += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text class=\"y-label\" x=\"{}\" "
        "y=\"{}\">{}</text>",
        n(kLeft), n(y), n(plot_right), n(y), n(kLeft - 8), n(y + 4), axis_number(tick));
  }
  if (!spec.unit.empty()) {
    // From the left edge: "USD per share" is wider than the value labels' margin.
    out += fmt::format("<text class=\"unit\" x=\"4\" y=\"{}\">{}</text>", n(top - 12),
                       html_escape(spec.unit));
  }
  out += "</g>\n<g class=\"x-axis\">";
  out += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", n(kLeft),
                     n(height - kBottom), n(plot_right), n(height - kBottom));
  for (const auto& tick : spec.x_ticks) {
    const double x = frame.x(tick.at);
    out += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text class=\"x-label\" x=\"{}\" "
        "y=\"{}\">{}</text>",
        n(x), n(height - kBottom), n(x), n(height - kBottom + 5), n(x), n(height - kBottom + 18),
        html_escape(tick.label));
  }
  out += "</g>\n";

  // Targets: dashed, labelled at the right, labels pushed apart so that none overlap.
  if (!spec.guides.empty()) {
    out += "<g class=\"guides\">";
    std::vector<std::pair<double, std::size_t>> labels;
    for (std::size_t i = 0; i < spec.guides.size(); ++i) {
      const auto& guide = spec.guides[i];
      if (guide.steps.empty()) continue;
      out += fmt::format("<path class=\"guide\" d=\"{}\"><title>{}</title></path>",
                         step_path(frame, guide.steps), html_escape(guide.label));
      labels.emplace_back(frame.y(guide.steps.back().y), i);
    }
    std::stable_sort(labels.begin(), labels.end());
    for (std::size_t i = 1; i < labels.size(); ++i) {
      labels[i].first = std::max(labels[i].first, labels[i - 1].first + 12);
    }
    const double bottom = height - kBottom + 4;
    for (std::size_t i = labels.size(); i-- > 0;) {
      const double limit = i + 1 < labels.size() ? labels[i + 1].first - 12 : bottom;
      labels[i].first = std::min(labels[i].first, limit);
    }
    for (const auto& [y, i] : labels) {
      out += fmt::format("<text class=\"guide-label\" x=\"{}\" y=\"{}\">{}</text>",
                         n(plot_right + 6), n(y + 4), html_escape(spec.guides[i].label));
    }
    out += "</g>\n";
  }

  for (const auto& series : spec.series) {
    if (series.points.empty()) continue;
    const std::string d = step_path(frame, series.points);
    out += fmt::format("<g class=\"{}\">", html_escape(series.css_class));
    if (series.filled) {
      out += fmt::format("<path class=\"area\" d=\"{}V{}H{}Z\"/>", d, n(frame.y(frame.y_min)),
                         n(frame.x(series.points.front().x)));
    }
    out += fmt::format("<path class=\"line\" d=\"{}\"><title>{}</title></path>", d,
                       html_escape(series.label));
    if (!series.end_label.empty()) {
      out += fmt::format("<text class=\"end-label\" x=\"{}\" y=\"{}\">{}</text>", n(plot_right + 6),
                         n(frame.y(series.points.back().y) + 4), html_escape(series.end_label));
    }
    out += "</g>\n";
  }

  // Markers: a dot on the line, its label in the band above the plot on the first row where it
  // fits, and a thin leader between them.
  if (!spec.pins.empty()) {
    // Too many labels would only hide one another: then dots, with their tooltips.
    const bool labelled = spec.pins.size() <= kMaxLabelledPins;
    out += "<g class=\"markers\">";
    std::vector<std::size_t> order(spec.pins.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return spec.pins[a].at.x < spec.pins[b].at.x;
    });
    std::vector<double> row_end(kLabelRows, -1e9);
    for (const std::size_t i : order) {
      const ChartPin& pin = spec.pins[i];
      const double x = frame.x(pin.at.x);
      const double y = frame.y(pin.at.y);
      const double width = text_width(pin.label);
      const double left = std::clamp(x - width / 2, 2.0, kWidth - width - 2);
      int row = 0;
      for (int r = 0; r < kLabelRows; ++r) {
        if (row_end[r] < left - 4) {
          row = r;
          break;
        }
        if (row_end[r] < row_end[row]) row = r;
      }
      row_end[row] = left + width;
      const double label_y = 14 + row * kLabelRow;
      if (!labelled) {
        out += fmt::format(
            "<g class=\"{}\"><title>{}</title><circle cx=\"{}\" cy=\"{}\" r=\"3\"/></g>",
            html_escape(pin.css_class), html_escape(pin.tooltip), n(x), n(y));
        continue;
      }
      out += fmt::format(
          "<g class=\"{}\"><title>{}</title><line class=\"leader\" x1=\"{}\" y1=\"{}\" x2=\"{}\" "
          "y2=\"{}\"/><circle cx=\"{}\" cy=\"{}\" r=\"4.5\"/><text x=\"{}\" y=\"{}\">{}</text></g>",
          html_escape(pin.css_class), html_escape(pin.tooltip), n(x), n(label_y + 3), n(x), n(y),
          n(x), n(y), n(left), n(label_y), html_escape(pin.label));
    }
    out += "</g>\n";
  }
  out += "</svg>";
  return out;
}

}  // namespace proviso
