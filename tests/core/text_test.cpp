#include "core/text.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

TEST_CASE("whitespace and control characters collapse to single spaces") {
    CHECK(text::collapse_whitespace("  a\r\n\tb   c \x01 d ") == "a b c d");
    CHECK(text::collapse_whitespace("") == "");
}

TEST_CASE("folding removes case, accents and punctuation for comparisons") {
    CHECK(text::fold("Émilie du Châtelet") == "emilie du chatelet");
    CHECK(text::fold("Ĳsbrand Ñúñez") == "ijsbrand nunez");
    CHECK(text::fold("Mixture-of-Experts (MoE)") == "mixture of experts moe");
    CHECK(text::fold("Straße") == "strasse");
    CHECK(text::fold("表示学习") == "表示学习");
    CHECK(text::fold("Y. Bengio") == "y bengio");
}

TEST_CASE("invalid UTF-8 is replaced, valid UTF-8 kept") {
    CHECK(text::is_valid_utf8("héllo 🚀"));
    CHECK_FALSE(text::is_valid_utf8("bad \xC3"));
    CHECK(text::sanitize_utf8("bad \xC3 x") == "bad \xEF\xBF\xBD x");
    CHECK(text::sanitize_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST_CASE("split trims and drops empty pieces, replace_all replaces every occurrence") {
    CHECK(text::split(" a, b ,,c ", ',') == std::vector<std::string>{"a", "b", "c"});
    CHECK(text::replace_all("a<b<c", "<", "&lt;") == "a&lt;b&lt;c");
}

TEST_CASE("percent_decode: escapes, '+' only in form bodies, malformed escapes refused") {
    CHECK(text::percent_decode("hep-th%2F9901001") == "hep-th/9901001");
    CHECK(text::percent_decode("a+b") == "a+b");
    CHECK(text::percent_decode("a+b", true) == "a b");
    CHECK(text::percent_decode("%2e%2E") == "..");
    CHECK_FALSE(text::percent_decode("%zz"));
    CHECK_FALSE(text::percent_decode("abc%2"));
}

TEST_CASE("a public URL loses its trailing slashes, and only those") {
    CHECK(text::without_trailing("https://x.org/papers//", '/') == "https://x.org/papers");
    CHECK(text::without_trailing("https://x.org", '/') == "https://x.org");
    CHECK(text::without_trailing("///", '/').empty());
}
