// The machine-readable report: every selected paper and the run's statistics.
#pragma once

#include "render/report.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace paperboy {

/// {"date","profile","model","generator","stats":{total,scanned,scored,failed,selected,
///  prompt_tokens,completion_tokens,cached_tokens,cost_usd},"papers":[{id,version,title,
///  authors,abstract,comment,relevance,novelty,author_match,announce_type,categories,url}]}
/// cost_usd is null when the model's price is unknown; relevance/novelty are null where not
/// judged. Invalid UTF-8 never reaches the output.
nlohmann::ordered_json report_to_json(const report& r);

/// report_to_json, indented by 2, with a trailing newline.
std::string render_json(const report& r);

}  // namespace paperboy
