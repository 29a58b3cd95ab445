// Signed List-Unsubscribe links for the recipients of a profile's email channels (RFC 8058),
// put into the digest the email plugin receives; `/unsubscribe` (vote_server.hpp) serves them.
#pragma once

#include "config/config.hpp"

#include <nlohmann/json.hpp>

#include <string_view>

namespace paperboy {

/// For each email channel of `profile`, payload["unsubscribe"][channel][address] = that
/// recipient's signed unsubscribe URL (to, cc and bcc alike): the email plugin puts it in the
/// recipient's List-Unsubscribe header, with List-Unsubscribe-Post for one-click.
void add_unsubscribe_links(nlohmann::json& payload, const config& cfg, const profile_config& profile, std::string_view secret);

}  // namespace paperboy
