#include "select/authors.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

TEST_CASE("followed authors match case- and accent-insensitively and by initial") {
    const author_matcher m({"Yoshua Bengio"});
    for (const char* name : {"Yoshua Bengio", "YOSHUA BENGIO", "Y. Bengio", "Y Bengio", "Yoshua Bengío", "Yoshua  Bengio"}) {
        INFO(name);
        CHECK(m.match({"Someone Else", name}) == "Yoshua Bengio");
    }
    for (const char* name : {"Samy Bengio", "Bengio", "Yoshua Bengioo", "B. Yoshua"}) {
        INFO(name);
        CHECK(m.match({name}).empty());
    }
}

TEST_CASE("a followed initial matches the full name, middle names and suffixes are ignored") {
    CHECK_FALSE(author_matcher({"G. Hinton"}).match({"Geoffrey E. Hinton"}).empty());
    CHECK_FALSE(author_matcher({"Émilie du Châtelet"}).match({"Emilie du Chatelet"}).empty());
    CHECK_FALSE(author_matcher({"Conan O'Brien"}).match({"Conan O'Brien, Jr."}).empty());
    CHECK(author_matcher({}).match({"Anyone"}).empty());
}
