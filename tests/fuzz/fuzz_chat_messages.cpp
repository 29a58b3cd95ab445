// Slack, Discord and Telegram messages from a digest of arbitrary text: the services' limits
// hold, and no mention or link survives that the formatter did not make itself.
#include "chat_common.hpp"
#include "discord_format.hpp"
#include "feishu_format.hpp"
#include "teams_format.hpp"
#include "matrix_format.hpp"
#include "slack_format.hpp"
#include "telegram_format.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace {

void check_slack_text(const std::string& text, std::size_t max) {
    if (paperboy::chat::length(text) > max) std::abort();
    // Every '<' opens one of our links to arXiv or bioRxiv; '<!channel>', '<@U1>' or '<http://evil|x>' never.
    for (auto i = text.find('<'); i != std::string::npos; i = text.find('<', i + 1)) {
        if (text.compare(i, 23, "<https://arxiv.org/abs/") != 0 && text.compare(i, 41, "<https://www.biorxiv.org/content/10.1101/") != 0) std::abort();
    }
}

void check_discord_text(const std::string& text, std::size_t max) {
    if (paperboy::chat::length(text) > max) std::abort();
    for (auto i = text.find('@'); i != std::string::npos; i = text.find('@', i + 1)) {
        if (text.compare(i + 1, 3, "\xE2\x80\x8B") != 0) std::abort();  // @everyone, @here, <@id> stay text
    }
}

// Every tag is one the formatter writes, every link goes to arXiv, and no '@', '#' or "://"
// of the paper text is left for Telegram to turn into a mention, tag or link.
void check_telegram_text(const std::string& html) {
    if (paperboy::telegram::visible_length(html) > paperboy::telegram::max_text) std::abort();
    static const std::string_view tags[] = {"<b>", "</b>", "<i>", "</i>", "<blockquote>", "</blockquote>", "</a>", "<a href=\"https://arxiv.org/abs/",
                                            "<a href=\"https://www.biorxiv.org/content/10.1101/"};
    for (auto i = html.find('<'); i != std::string::npos; i = html.find('<', i + 1)) {
        if (std::none_of(std::begin(tags), std::end(tags), [&](std::string_view t) { return html.compare(i, t.size(), t) == 0; })) std::abort();
    }
    for (auto i = html.find_first_of("@#"); i != std::string::npos; i = html.find_first_of("@#", i + 1)) {
        if (html.compare(i + 1, 3, "\xE2\x80\x8B") != 0) std::abort();
    }
    const auto count = [&](std::string_view needle) {
        std::size_t n = 0;
        for (auto i = html.find(needle); i != std::string::npos; i = html.find(needle, i + 1)) ++n;
        return n;
    };
    if (count("://") != count("<a href=\"https://")) std::abort();  // only in the links it builds
}

// Matrix: the content fits an event, mentions nobody, every '<' of formatted_body is one of
// the formatter's tags, and no '@' of paper text survives unbroken in either part.
void check_matrix(const nlohmann::json& m) {
    if (m.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size() > paperboy::matrix::max_content_bytes) std::abort();
    if (m["m.mentions"] != nlohmann::json::object()) std::abort();
    const auto& html = m["formatted_body"].get_ref<const std::string&>();
    static const std::string_view tags[] = {"<p>", "</p>", "<b>", "</b>", "<i>", "</i>", "<br>", "<blockquote>", "</blockquote>", "</a>",
                                            "<a href=\"https://arxiv.org/abs/", "<a href=\"https://www.biorxiv.org/content/10.1101/"};
    for (auto i = html.find('<'); i != std::string::npos; i = html.find('<', i + 1)) {
        if (std::none_of(std::begin(tags), std::end(tags), [&](std::string_view t) { return html.compare(i, t.size(), t) == 0; })) std::abort();
    }
    for (const auto* text : {&html, &m["body"].get_ref<const std::string&>()}) {
        for (auto i = text->find('@'); i != std::string::npos; i = text->find('@', i + 1)) {
            if (text->compare(i + 1, 3, "\xE2\x80\x8B") != 0) std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    nlohmann::json papers = nlohmann::json::array();
    const int n = in.ConsumeIntegralInRange(0, 30);
    for (int i = 0; i < n; ++i) {
        papers.push_back({{"rank", i + 1}, {"id", in.ConsumeBool() ? in.ConsumeRandomLengthString(20)
                                 : in.ConsumeBool() ? "biorxiv:10.1101/2025.11.19." + std::to_string(600000 + i) : "2507.1" + std::to_string(1000 + i)},
                          {"title", in.ConsumeRandomLengthString(600)}, {"authors", {in.ConsumeRandomLengthString(200)}},
                          {"abstract", in.ConsumeRandomLengthString(5000)}, {"tldr", in.ConsumeRandomLengthString(400)}, {"comment", in.ConsumeRandomLengthString(800)},
                          {"relevance", 9}, {"novelty", 8}, {"author_match", in.ConsumeBool()}});
    }
    nlohmann::json digest{{"schema", 1}, {"date", "2025-07-23"}, {"profile", "lab"}, {"model", "m"}, {"stats", {{"scanned", 10}}}, {"papers", papers}};
    if (in.ConsumeBool()) digest["incomplete"] = {{"text", in.ConsumeRandomLengthString(1500)}};
    const auto slack = paperboy::slack::parse_settings(R"({"webhook_url": "https://hooks.slack.com/services/T/B/x", "abstract_chars": 2500})");
    const auto discord = paperboy::discord::parse_settings(R"({"webhook_url": "https://discord.com/api/webhooks/1/x", "abstract_chars": 3500})");
    const auto feishu = paperboy::feishu::parse_settings(R"({"webhook_url": "https://open.feishu.cn/open-apis/bot/v2/hook/x", "abstract_chars": 2000})");
    const auto teams = paperboy::teams::parse_settings(R"({"webhook_url": "https://x.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sig=s", "abstract_chars": 2000})");
    const auto matrix = paperboy::matrix::parse_settings(R"({"homeserver": "https://m.org", "access_token": "t", "room_id": "!a:m.org", "abstract_chars": 3000})");
    const auto telegram = paperboy::telegram::parse_settings(R"({"bot_token": "1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "chat_id": "1", "abstract_chars": 2500})");
    try {
        for (const auto& m : paperboy::slack::build_messages(digest, slack).messages) {
            if (m["blocks"].size() > paperboy::slack::max_blocks) std::abort();
            for (const auto& b : m["blocks"]) {
                if (b["type"] == "section") check_slack_text(b["text"]["text"].get<std::string>(), paperboy::slack::max_section_text);
                if (b["type"] == "header" && paperboy::chat::length(b["text"]["text"].get<std::string>()) > paperboy::slack::max_header_text) std::abort();
            }
        }
        for (const auto& m : paperboy::discord::build_messages(digest, discord)) {
            if (m["embeds"].size() > paperboy::discord::max_embeds || m["allowed_mentions"]["parse"] != nlohmann::json::array()) std::abort();
            std::size_t chars = 0;
            for (const auto& e : m["embeds"]) {
                check_discord_text(e["title"].get<std::string>(), paperboy::discord::max_title);
                check_discord_text(e["description"].get<std::string>(), paperboy::discord::max_description);
                check_discord_text(e["author"]["name"].get<std::string>(), 256);
                const auto& url = e["url"].get_ref<const std::string&>();
                if (!url.starts_with("https://arxiv.org/abs/") && !url.starts_with("https://www.biorxiv.org/content/10.1101/")) std::abort();
                chars += paperboy::chat::length(e["title"].get<std::string>()) + paperboy::chat::length(e["description"].get<std::string>()) +
                         paperboy::chat::length(e["author"]["name"].get<std::string>()) + paperboy::chat::length(e["footer"]["text"].get<std::string>());
            }
            if (chars > paperboy::discord::max_message_chars) std::abort();
            if (m.contains("content")) check_discord_text(m["content"].get<std::string>(), paperboy::discord::max_content);
        }
        for (const auto& m : paperboy::telegram::build_messages(digest, telegram)) check_telegram_text(m["text"].get<std::string>());
        for (const auto& m : paperboy::matrix::build_messages(digest, matrix)) check_matrix(m);
        // Feishu: within its 20 KB, and lark_md (the only parsed text) holds only our links.
        for (const auto& m : paperboy::feishu::build_messages(digest, feishu)) {
            if (m.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size() > 20 * 1024) std::abort();
            for (const auto& e : m["card"]["elements"]) {
                if (e.contains("text") && e["text"]["tag"] == "lark_md" && !e["text"]["content"].get<std::string>().starts_with("[arXiv](https://arxiv.org/abs/") &&
                    !e["text"]["content"].get<std::string>().starts_with("[bioRxiv](https://www.biorxiv.org/content/10.1101/")) {
                    std::abort();
                }
                if (e.contains("text") && e["text"]["tag"] == "lark_md" && e["text"]["content"].get<std::string>().find('<') != std::string::npos) std::abort();
            }
        }
        // Teams: under 28 KB, text only in TextRuns (never parsed), links only ours or http(s), no mentions.
        for (const auto& m : paperboy::teams::build_messages(digest, teams)) {
            if (m.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size() > 28 * 1024) std::abort();
            const auto& card = m["attachments"][0]["content"];
            if (card.contains("msteams") && card["msteams"].contains("entities")) std::abort();
            for (const auto& item : card["body"]) {
                const auto& items = item["type"] == "Container" ? item["items"] : nlohmann::json::array({item});
                for (const auto& e : items) {
                    if (e["type"] == "ActionSet") {
                        for (const auto& a : e["actions"]) {
                            const auto url = a["url"].get<std::string>();
                            if (!url.starts_with("https://") && !url.starts_with("http://")) std::abort();
                        }
                    } else if (e["type"] != "RichTextBlock" || e["inlines"].size() != 1 || e["inlines"][0]["type"] != "TextRun") {
                        std::abort();
                    }
                }
            }
        }
    } catch (const paperboy::sdk::plugin_error& e) {
        if (e.status != PB_INTERNAL) std::abort();  // a digest with a bad id is refused, not formatted
    } catch (const nlohmann::json::exception&) {
        // invalid UTF-8 cannot be serialised; the host replaces it before a plugin sees it
    }
    return 0;
}
