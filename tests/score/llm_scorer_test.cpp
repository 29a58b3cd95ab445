#include "score/llm_scorer.hpp"

#include "arxiv/feed_parser.hpp"
#include "core/files.hpp"
#include "job/daily_run.hpp"
#include "score/pricing.hpp"
#include "support/fake_openai.hpp"
#include "support/fixtures.hpp"
#include "support/scoring_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;
using namespace std::chrono_literals;
using nlohmann::json;
using test::fake_openai;
using test::scripted_response;

namespace {

using test::golden_answers;
using test::golden_papers;
using test::llm_config_for;
using test::score_with;
using test::secret_key;

scripted_response error_response(unsigned status, const std::string& code, const std::string& message,
                                 std::vector<std::pair<std::string, std::string>> headers = {}) {
    return {status, json{{"error", {{"code", code}, {"message", message}, {"type", "error"}}}}.dump(), std::move(headers)};
}

}  // namespace

TEST_CASE("openai: every paper is scored from the model's answers, concurrently, with usage counted") {
    fake_openai fake({.answers = golden_answers(), .delay = 50ms, .prefix_cache = true});
    const auto day = golden_papers(40);
    const auto out = score_with(llm_config_for(fake, {{"concurrency", 4}}), day.papers);
    REQUIRE(out.scores.size() == 40);
    CHECK(out.failed.empty());
    const auto answers = golden_answers();
    for (const auto* p : day.papers) {
        INFO(p->id);
        CHECK(out.scores.at(p->id).relevance == answers[p->id]["RELEVANCE"].get<int>());
        CHECK(out.scores.at(p->id).novelty == answers[p->id]["NOVELTY"].get<int>());
    }
    CHECK(fake.calls() == 8);
    CHECK(fake.max_in_flight() > 1);
    CHECK(fake.max_in_flight() <= 4);
    CHECK(out.usage.prompt_tokens == fake.prompt_tokens());
    CHECK(out.usage.cached_tokens == fake.cached_tokens());
    CHECK(out.usage.cached_tokens > 0);
    const auto req = fake.requests().front();
    CHECK(req.target == "/v1/chat/completions");
    CHECK(req.headers.at("authorization") == "Bearer " + secret_key);
    const auto body = json::parse(req.body);
    CHECK_FALSE(body.contains("temperature"));
    // The prompt puts what never changes first, so a provider's prefix cache can serve it.
    const std::string user = body["messages"][1]["content"];
    CHECK(user.starts_with("## Relevant Topics"));
    CHECK(user.find("- NOVELTY: should be a score from 1-10.") < user.find("## Papers"));
    CHECK(user.find("## Papers") < user.find("\n[" + std::string(test::prompt_ids(user).at(0)) + "] "));
}

TEST_CASE("openai: arrays, {papers: [...]}, fences and prose in replies are all understood") {
    for (const auto format : {fake_openai::reply_format::array, fake_openai::reply_format::papers_object,
                              fake_openai::reply_format::fenced_with_prose}) {
        fake_openai fake({.answers = golden_answers(), .format = format});
        const auto day = golden_papers(10);
        CHECK(score_with(llm_config_for(fake), day.papers).scores.size() == 10);
    }
}

TEST_CASE("openai: malformed replies, hallucinated ids and string scores never lose a paper") {
    const auto answers = golden_answers();
    fake_openai fake({.answers = answers, .script = [&](const test::openai_call& call) -> std::optional<scripted_response> {
        if (call.index == 0) return scripted_response{200, fake_openai::completion_body("{this is not json", 10, 5, 0), {}};
        if (call.index == 1) {
            std::string content;
            for (const auto& id : call.ids) {
                content += json{{"ARXIVID", "arXiv:" + id + "v1"}, {"COMMENT", "c"}, {"RELEVANCE", std::to_string(answers[id]["RELEVANCE"].get<int>())},
                                {"NOVELTY", std::to_string(answers[id]["NOVELTY"].get<int>())}}.dump() + "\n";
            }
            content += R"({"ARXIVID": "2507.99999", "COMMENT": "invented", "RELEVANCE": 10, "NOVELTY": 10})";
            return scripted_response{200, fake_openai::completion_body(content, 10, 5, 0), {}};
        }
        return std::nullopt;
    }});
    const auto day = golden_papers(10);
    const auto out = score_with(llm_config_for(fake), day.papers);
    CHECK(out.scores.size() == 10);
    CHECK(out.failed.empty());
    CHECK_FALSE(out.scores.contains("2507.99999"));
    CHECK(fake.calls() == 3);  // the malformed batch went again, later
}

TEST_CASE("openai: a reply cut off by finish_reason length gets its missing papers retried") {
    fake_openai* fake_ptr = nullptr;
    fake_openai fake({.answers = golden_answers(), .script = [&](const test::openai_call& call) -> std::optional<scripted_response> {
        if (call.index != 0) return std::nullopt;
        auto partial = call;
        partial.ids.resize(2);
        return scripted_response{200, fake_openai::completion_body(fake_ptr->answer_text(partial) + R"({"ARXIVID": ")", 10, 5, 0, "length"), {}};
    }});
    fake_ptr = &fake;
    const auto day = golden_papers(5);
    const auto out = score_with(llm_config_for(fake), day.papers);
    CHECK(out.scores.size() == 5);
    CHECK(fake.calls() == 2);
    CHECK(fake.requests()[1].body.find(day.papers[0]->id) == std::string::npos);  // only the missing ones again
    // What the replies left out is counted, for /metrics: 3 of the 5 sent, then 0 of those 3.
    CHECK(out.papers_sent == 8);
    CHECK(out.papers_left_out == 3);
}

TEST_CASE("openai: 429 waits as long as the server asks, in milliseconds or seconds") {
    for (const auto& [header, value, wait] : {std::tuple{"retry-after-ms", "700", 700ms}, std::tuple{"retry-after", "1", 1000ms}}) {
        INFO(header);
        fake_openai fake({.answers = golden_answers(), .script = [&](const test::openai_call& call) -> std::optional<scripted_response> {
            if (call.index == 0) return error_response(429, "rate_limit_exceeded", "Rate limit reached", {{header, value}});
            return std::nullopt;
        }});
        const auto day = golden_papers(3);
        CHECK(score_with(llm_config_for(fake), day.papers).scores.size() == 3);
        const auto reqs = fake.requests();
        REQUIRE(reqs.size() == 2);
        CHECK(reqs[1].received - reqs[0].received >= wait);
    }
}

TEST_CASE("openai: a refused key or an empty account is a configuration error naming /llm/api_key, not retried, the key never shown") {
    for (const auto& [status, code] : {std::pair{429u, "insufficient_quota"}, std::pair{401u, "invalid_api_key"}, std::pair{403u, "invalid_api_key"}}) {
        INFO(code << " " << status);
        fake_openai fake({.answers = golden_answers(), .script = [&](const test::openai_call&) -> std::optional<scripted_response> {
            return error_response(status, code, "Incorrect API key provided: " + secret_key + ". You exceeded your current quota.");
        }});
        const auto day = golden_papers(10);
        try {
            score_with(llm_config_for(fake, {{"concurrency", 2}}), day.papers);
            FAIL("expected a configuration error");
        } catch (const failure& f) {
            CHECK(f.err().code == errc::config_invalid);
            CHECK(f.err().detail.starts_with("/llm/api_key: "));
            CHECK(f.err().detail.find(code) != std::string::npos);
            CHECK(f.err().detail.find(secret_key) == std::string::npos);
            CHECK(f.err().detail.find("[redacted]") != std::string::npos);
        }
        CHECK(fake.calls() <= 2);  // one per worker at most, no retries
    }
}

TEST_CASE("openai: a model the provider does not have names /llm/model") {
    fake_openai fake({.answers = golden_answers(), .script = [&](const test::openai_call&) -> std::optional<scripted_response> {
        return error_response(404, "model_not_found", "The model `gpt-5` does not exist or you do not have access to it.");
    }});
    const auto day = golden_papers(3);
    try {
        score_with(llm_config_for(fake), day.papers);
        FAIL("expected a configuration error");
    } catch (const failure& f) {
        CHECK(f.err().code == errc::config_invalid);
        CHECK(f.err().detail.starts_with("/llm/model: the provider has no such model"));
    }
    CHECK(fake.calls() == 1);
}

TEST_CASE("openai: a provider down for the whole run ends cleanly, and can fall back to offline scoring") {
    fake_openai fake({.answers = golden_answers(), .script = [](const test::openai_call&) -> std::optional<scripted_response> {
        return scripted_response{503, "<html>Service Unavailable</html>", {}};
    }});
    const auto day = golden_papers(10);
    const auto failed = score_with(llm_config_for(fake), day.papers);
    CHECK(failed.failed.size() == 10);
    CHECK(fake.calls() == 3);  // max_attempts, then the run stops asking
    REQUIRE(failed.notes.size() == 1);
    CHECK(failed.notes[0].find("HTTP 503") != std::string::npos);

    const auto fallback = score_with(llm_config_for(fake, {{"fallback", "offline"}}), day.papers);
    CHECK(fallback.failed.empty());
    CHECK(fallback.scores.size() == 10);
    CHECK_FALSE(fallback.scores.begin()->second.novelty);  // offline scores: novelty not judged
    REQUIRE(fallback.notes.size() == 1);
    CHECK(fallback.notes[0].find("offline keyword scorer") != std::string::npos);
}

TEST_CASE("openai: a call that hangs past its timeout is retried") {
    fake_openai fake({.answers = golden_answers(), .script = [](const test::openai_call& call) -> std::optional<scripted_response> {
        if (call.index == 0) return scripted_response{200, "{}", {}, 3s};
        return std::nullopt;
    }});
    const auto day = golden_papers(3);
    const auto start = std::chrono::steady_clock::now();
    const auto out = score_with(llm_config_for(fake, {{"timeout_seconds", 0.3}}), day.papers);
    CHECK(out.scores.size() == 3);
    CHECK(std::chrono::steady_clock::now() - start < 2s);
}

TEST_CASE("openai: scoring stops at the cost cap and the outcome says so") {
    fake_openai fake({.answers = golden_answers()});
    const auto day = golden_papers(20);
    const auto out = score_with(llm_config_for(fake, {{"max_cost_usd", 0.001}}), day.papers);
    CHECK(fake.calls() == 1);
    CHECK(out.scores.size() == 5);
    CHECK(out.failed.size() == 15);
    REQUIRE(out.notes.size() == 1);
    CHECK(out.notes[0].find("cost cap ($0.00)") != std::string::npos);
}

TEST_CASE("openai: the title pre-filter drops what the model rules out, and never drops on a bad answer") {
    auto is_title_call = [](const test::openai_call& call) {
        return std::string(call.request["messages"][1]["content"]).find("absolutely and completely irrelevant") != std::string::npos;
    };
    const auto day = golden_papers(10);
    const json settings{{"title_filter", true}, {"title_batch_size", 10}, {"batch_size", 2}, {"concurrency", 3}};
    {
        fake_openai fake({.answers = golden_answers(), .delay = 50ms, .script = [&](const test::openai_call& call) -> std::optional<scripted_response> {
            if (!is_title_call(call)) return std::nullopt;
            return scripted_response{200, fake_openai::completion_body(json{call.ids[0], call.ids[1]}.dump(), 10, 5, 0), {}};
        }});
        const auto out = score_with(llm_config_for(fake, settings), day.papers);
        CHECK(out.scores.size() == 10);
        CHECK(fake.calls() == 1 + 4);  // one title call, then the 8 kept papers in batches of 2
        CHECK(fake.max_in_flight() > 1);  // the abstract pass still runs concurrently
        CHECK(out.scores.at(day.papers[0]->id).comment == "Dropped by the title pre-filter.");
        CHECK(out.scores.at(day.papers[1]->id).comment == "Dropped by the title pre-filter.");
        CHECK(out.scores.at(day.papers[5]->id).comment != "Dropped by the title pre-filter.");
    }
    {
        fake_openai fake({.answers = golden_answers(), .script = [&](const test::openai_call& call) -> std::optional<scripted_response> {
            if (!is_title_call(call)) return std::nullopt;
            return scripted_response{200, fake_openai::completion_body("I would rather not say.", 10, 5, 0), {}};
        }});
        const auto out = score_with(llm_config_for(fake, settings), day.papers);
        CHECK(fake.calls() == 1 + 5);  // nothing dropped: all 10 papers scored in batches of 2
        for (const auto& [id, score] : out.scores) CHECK(score.comment != "Dropped by the title pre-filter.");
        CHECK(out.scores.size() == 10);
    }
}

TEST_CASE("openai: a wrong plugin setting is a config error naming the key") {
    fake_openai fake({});
    const auto cfg = llm_config_for(fake, {{"temperature", "hot"}});
    try {
        make_scorer(cfg.llm, cfg.plugin_dir);
        FAIL("accepted a bad setting");
    } catch (const failure& f) {
        CHECK(f.err().code == errc::config_invalid);
        CHECK(f.err().detail == "/llm/temperature: expected a number");
    }
}

TEST_CASE("openai: a gpt-5 model against a server that rejects max_tokens, as OpenAI does, scores normally") {
    fake_openai fake({.answers = golden_answers()});
    const auto day = golden_papers(10);
    const auto out = score_with(llm_config_for(fake, {{"model", "gpt-5-mini"}, {"max_tokens", 2000}}), day.papers);
    CHECK(out.failed.empty());
    CHECK(out.scores.size() == 10);
    REQUIRE_FALSE(fake.requests().empty());
    const auto body = json::parse(fake.requests()[0].body);
    CHECK(body["max_completion_tokens"] == 2000);
    CHECK_FALSE(body.contains("max_tokens"));
}

TEST_CASE("openai: a parameter the model refuses is a configuration error naming the key, not a provider outage") {
    fake_openai fake({.answers = golden_answers(), .script = [](const test::openai_call&) -> std::optional<scripted_response> {
                          return scripted_response{400, json{{"error", {{"code", "unsupported_value"}, {"param", "temperature"}, {"type", "invalid_request_error"},
                                                                        {"message", "Unsupported value: 'temperature' does not support 0.2"}}}}.dump(), {}};
                      }});
    const auto day = golden_papers(10);
    auto cfg = llm_config_for(fake, {{"temperature", 0.2}});
    try {
        score_with(cfg, day.papers);
        FAIL("expected a configuration error");
    } catch (const failure& f) {
        CHECK(f.err().code == errc::config_invalid);
        CHECK(f.err().detail.find("/llm/temperature: the model refuses it") == 0);
    }
}

TEST_CASE("openai: after the title pre-filter, the survivors go out in full batches sized for the day") {
    const auto day = golden_papers(100);
    std::set<std::string> drops;
    for (std::size_t i = 0; i < day.papers.size(); i += 5) drops.insert(day.papers[i]->id);  // 20 titles ruled out
    fake_openai fake({.answers = golden_answers(), .title_drops = drops});
    const auto out = score_with(llm_config_for(fake, {{"concurrency", 2}, {"batch_size", 0}, {"title_filter", true}}), day.papers);
    CHECK(out.failed.empty());
    REQUIRE(out.scores.size() == 100);
    for (const auto& id : drops) CHECK(out.scores.at(id).comment == "Dropped by the title pre-filter.");
    std::vector<std::size_t> title_calls, abstract_calls;
    for (const auto& r : fake.requests()) {
        const auto prompt = json::parse(r.body)["messages"].back()["content"].get<std::string>();
        (test::is_title_prompt(prompt) ? title_calls : abstract_calls).push_back(test::prompt_ids(prompt).size());
    }
    std::sort(title_calls.rbegin(), title_calls.rend());  // two workers: arrival order varies
    CHECK(title_calls == std::vector<std::size_t>{100});  // title_batch_size_for: one call of at most 200
    // batch_size_for(100 papers, 2 workers) = 50: 80 survivors in a full batch and the rest.
    std::sort(abstract_calls.rbegin(), abstract_calls.rend());
    CHECK(abstract_calls == std::vector<std::size_t>{50, 30});
}

TEST_CASE("openai: one kept-alive connection per worker, not one per call, and a connection the server dropped is replaced unseen") {
    fake_openai fake({.answers = golden_answers(), .delay = 20ms});
    const auto day = golden_papers(60);
    const auto out = score_with(llm_config_for(fake, {{"concurrency", 3}}), day.papers);
    CHECK(out.failed.empty());
    CHECK(fake.calls() == 12);
    CHECK(fake.connections() <= 3 + 1);  // and the model list's, asked first

    // The server now drops every connection after two requests without saying so: the next
    // request on it fails before any answer, and goes out again on a new connection, once.
    fake_openai dropping({.answers = golden_answers()});
    dropping.close_connections_after(2);
    const auto again = score_with(llm_config_for(dropping, {{"concurrency", 1}}), day.papers);
    CHECK(again.failed.empty());
    CHECK(again.scores.size() == 60);
    CHECK(dropping.calls() == 12);                 // no request was seen twice
    CHECK(dropping.requests().size() == 12);
    CHECK(dropping.connections() == 7);  // 13 requests with the model list, two a connection
}

TEST_CASE("openai: a reasoning llm.title_model beside a sampled llm.model with a temperature gets none, and the model gets its own") {
    fake_openai fake({.answers = golden_answers()});
    const auto day = golden_papers(40);
    const auto out = score_with(llm_config_for(fake, {{"title_filter", true}, {"title_model", "gpt-5-nano"}, {"temperature", 0.2}}), day.papers);
    CHECK(out.failed.empty());
    int title_calls = 0;
    for (const auto& r : fake.requests()) {
        const auto body = json::parse(r.body);
        if (test::is_title_prompt(body["messages"].back()["content"].get<std::string>())) {
            ++title_calls;
            CHECK(body["model"] == "gpt-5-nano");
            CHECK_FALSE(body.contains("temperature"));  // OpenAI answers 400 unsupported_value to one
        } else {
            CHECK(body["temperature"] == 0.2);
        }
    }
    CHECK(title_calls == 1);
}

TEST_CASE("openai: a llm.title_model the provider does not have is named, not llm.model") {
    // As OpenAI answers a model the key has no access to.
    const auto missing = [](const test::openai_call& call) -> std::optional<test::scripted_response> {
        if (call.request.value("model", std::string()) != "gpt-4o-nano") return std::nullopt;
        return test::scripted_response{404, json{{"error", {{"message", "The model `gpt-4o-nano` does not exist or you do not have access to it."},
                                                            {"type", "invalid_request_error"}, {"param", nullptr}, {"code", "model_not_found"}}}}.dump(),
                                       {{"Content-Type", "application/json"}}};
    };
    fake_openai fake({.answers = golden_answers(), .script = missing});
    const auto day = golden_papers(40);
    try {
        score_with(llm_config_for(fake, {{"title_filter", true}, {"title_model", "gpt-4o-nano"}}), day.papers);
        FAIL("a missing title model is a configuration error");
    } catch (const failure& f) {
        CHECK(f.err().code == errc::config_invalid);
        CHECK(f.err().detail.starts_with("/llm/title_model: the provider has no such model"));
        CHECK(f.err().detail.ends_with("(model gpt-4o-nano)"));
    }
}

TEST_CASE("openai: llm.title_model reads the titles, llm.model the abstracts, and each part is priced at its model") {
    fake_openai fake({.answers = golden_answers()});
    const auto day = golden_papers(40);
    const auto cfg = llm_config_for(fake, {{"title_filter", true}, {"title_model", "gpt-4o-mini"}});
    const auto out = score_with(cfg, day.papers);
    CHECK(out.failed.empty());
    long title_tokens = 0;
    int title_calls = 0, abstract_calls = 0;
    for (const auto& r : fake.requests()) {
        const auto body = json::parse(r.body);
        const bool titles = test::is_title_prompt(body["messages"].back()["content"].get<std::string>());
        CHECK(body["model"] == (titles ? "gpt-4o-mini" : "gpt-4o"));
        (titles ? title_calls : abstract_calls) += 1;
        std::string prompt;
        for (const auto& m : body["messages"]) prompt += m["content"].get<std::string>();
        if (titles) title_tokens += static_cast<long>((prompt.size() + 3) / 4);
    }
    CHECK(title_calls == 1);
    CHECK(abstract_calls == 8);
    CHECK(out.usage.title_prompt_tokens == title_tokens);
    const auto prices = default_prices();
    auto abstracts = out.usage;
    abstracts.prompt_tokens -= out.usage.title_prompt_tokens;
    abstracts.completion_tokens -= out.usage.title_completion_tokens;
    abstracts.cached_tokens -= out.usage.title_cached_tokens;
    abstracts.title_prompt_tokens = abstracts.title_completion_tokens = abstracts.title_cached_tokens = 0;
    const double expected = compute_cost(prices, "gpt-4o", abstracts)->total_usd() + compute_cost(prices, "gpt-4o-mini", out.usage.title_part())->total_usd();
    CHECK(compute_cost(prices, "gpt-4o", out.usage, "gpt-4o-mini")->total_usd() == Approx(expected));
    CHECK(compute_cost(prices, "gpt-4o", out.usage, "gpt-4o-mini")->total_usd() < compute_cost(prices, "gpt-4o", out.usage)->total_usd());
    CHECK(compute_cost(prices, "gpt-4o", out.usage, "no-such-model") == std::nullopt);  // unknown, never a made-up $0
}
