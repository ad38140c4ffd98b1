// The one escaper of text put into markup: HTML for the report, XML for JUnit results; and of
// a CSV cell (`proviso run --format csv`).
#pragma once

#include <string>
#include <string_view>

namespace proviso {

/// Where escaped text goes: HTML content or attribute values; an XML attribute value; XML
/// element content.
enum class Markup { html, xml_attribute, xml_text };

/// `text` with &, <, >, " and ' escaped (' as &#39; in HTML, &apos; in XML). In an XML attribute
/// line breaks and tabs are escaped too; XML drops the control characters it cannot hold.
std::string escape_markup(std::string_view text, Markup markup);

/// Text for HTML content and attribute values (the report and its SVG charts).
inline std::string html_escape(std::string_view text) {
  return escape_markup(text, Markup::html);
}

/// Text for an XML attribute value, or with `attribute` false for element content (line breaks
/// and tabs kept as they are).
inline std::string xml_escape(std::string_view text, bool attribute = true) {
  return escape_markup(text, attribute ? Markup::xml_attribute : Markup::xml_text);
}

/// `text` as one CSV cell (RFC 4180): as it is, or in double quotes with its quotes doubled when
/// it holds a comma, a double quote, a line break or a leading or trailing space.
std::string csv_cell(std::string_view text);

}  // namespace proviso
