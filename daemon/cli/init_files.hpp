// What `paperboy init` writes, as pure text: a configuration with "//" comment keys (the
// reader ignores them) and a topics file in the format the ranker and the prompt read.
#pragma once

#include <string>
#include <vector>

namespace paperboy {

struct init_answers {
    std::vector<std::string> categories{"cs.LG", "cs.AI"};
    std::string interests;        // one line, comma-separated phrases; "" leaves a template
    std::string email, smtp_url;  // an email channel when both are set
    std::string slack_webhook, discord_webhook;
    std::string time = "08:00", timezone = "UTC";
};

struct init_texts {
    std::string config;  // paperboy.json
    std::string topics;  // topics.txt
};

/// The two files for `a`: arXiv categories, one profile "me" reading topics.txt, the built-in
/// ranker (a comment shows the openai lines), the channels given, file outputs in out/, the
/// state in paperboy.db, the schedule. Values are JSON-escaped; `paperboy check` passes on it.
init_texts starter_files(const init_answers& a);

/// "cs.LG cs.AI" or "cs.LG, cs.AI" as a list; and back, space-separated.
std::vector<std::string> split_categories(const std::string& text);
std::string join_categories(const std::vector<std::string>& categories);

}  // namespace paperboy
