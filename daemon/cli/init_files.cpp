#include "cli/init_files.hpp"

#include <nlohmann/json.hpp>

namespace paperboy {
using nlohmann::json;

std::vector<std::string> split_categories(const std::string& text) {
    std::vector<std::string> out;
    std::string word;
    for (const char c : text + " ") {
        if (c == ' ' || c == ',' || c == '\t' || c == '+') {
            if (!word.empty()) out.push_back(word);
            word.clear();
        } else {
            word += c;
        }
    }
    return out;
}

std::string join_categories(const std::vector<std::string>& categories) {
    std::string out;
    for (const auto& c : categories) out += (out.empty() ? "" : " ") + c;
    return out;
}

init_texts starter_files(const init_answers& a) {
    const auto q = [](const std::string& s) { return json(s).dump(-1, ' ', false, json::error_handler_t::replace); };
    json cats = a.categories;
    json channels = json::object();
    std::string channel_names;
    std::string channel_text;
    const auto add = [&](const std::string& name, const std::string& body) {
        channel_names += (channel_names.empty() ? "" : ", ") + q(name);
        channel_text += std::string(channel_text.empty() ? "" : ",\n") + "    " + q(name) + ": {\n" + body + "\n    }";
    };
    if (!a.email.empty() && !a.smtp_url.empty()) {
        add("mail", "      \"//\": \"a login: add \\\"username\\\" and \\\"password_file\\\": \\\"smtp-password\\\" (a file beside this one, mode 0600)\",\n"
                    "      \"plugin\": \"email\",\n      \"smtp_url\": " + q(a.smtp_url) + ",\n      \"from\": " + q("paperboy <" + a.email + ">") +
                        ",\n      \"to\": [" + q(a.email) + "]");
    }
    if (!a.slack_webhook.empty()) add("slack", "      \"plugin\": \"slack\",\n      \"webhook_url\": " + q(a.slack_webhook));
    if (!a.discord_webhook.empty()) add("discord", "      \"plugin\": \"discord\",\n      \"webhook_url\": " + q(a.discord_webhook));

    std::string c;
    c += "{\n";
    c += "  \"//\": \"paperboy's configuration, written by paperboy init. Every key: the README's Configuration. Check it with: paperboy check --config paperboy.json\",\n";
    c += "  \"arxiv\": {\n    \"//\": \"the arXiv categories whose new papers are read (https://arxiv.org/category_taxonomy)\",\n";
    c += "    \"categories\": " + cats.dump() + "\n  },\n";
    c += "  \"profiles\": [\n    {\n      \"//\": \"one reader; topics.txt says what they read (the ranker and a model both use it)\",\n";
    c += "      \"name\": \"me\",\n      \"topics_file\": \"topics.txt\",\n      \"top_n\": 20,\n";
    c += "      \"channels\": [" + channel_names + "]\n    }\n  ],\n";
    c += "  \"llm\": {\n    \"//\": \"the built-in ranker, no key needed. A model instead: \\\"plugin\\\": \\\"openai\\\", \\\"model\\\": \\\"gpt-6-luna\\\", "
         "\\\"api_key_file\\\": \\\"openai-key\\\"\",\n    \"plugin\": \"offline\"\n  },\n";
    c += "  \"channels\": {" + (channel_text.empty() ? std::string() : "\n" + channel_text + "\n  ") + "},\n";
    c += "  \"output\": {\n    \"//\": \"each day's digest as Markdown, JSON and a web archive\",\n    \"dir\": \"out\"\n  },\n";
    c += "  \"state\": {\n    \"path\": \"paperboy.db\"\n  },\n";
    c += "  \"schedule\": {\n    \"//\": \"when paperboy daemon runs each announcement day\",\n    \"time\": " + q(a.time) + ",\n    \"timezone\": " +
         q(a.timezone) + "\n  }\n";
    c += "}\n";

    std::string t = "## Relevant Topics\n\n"
                    "Use the following relevance criteria to find the papers I want to read. Keep **relevant** papers and filter out "
                    "**irrelevant** ones.\n\n";
    if (a.interests.empty()) {
        t += "1. My first topic (rename it)\n"
             "   - Relevant: the methods, problems and phrases you look for, comma-separated.\n"
             "   - Irrelevant: what to leave out, comma-separated.\n\n"
             "2. Another topic\n"
             "   - Relevant: ...\n";
    } else {
        std::string line;
        for (const char ch : a.interests) line += (ch == '\n' || ch == '\r') ? ' ' : ch;
        t += "1. My interests\n   - Relevant: " + line + (line.ends_with(".") ? "" : ".") + "\n";
    }
    return {c, t};
}

}  // namespace paperboy
