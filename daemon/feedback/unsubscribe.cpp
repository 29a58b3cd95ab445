#include "feedback/unsubscribe.hpp"

#include "feedback/signed_link.hpp"

#include <algorithm>

namespace paperboy {

void add_unsubscribe_links(nlohmann::json& payload, const config& cfg, const profile_config& profile, std::string_view secret) {
    for (const auto& name : profile.channels) {
        const auto ch = std::find_if(cfg.channels.begin(), cfg.channels.end(), [&](const auto& c) { return c.name == name; });
        if (ch == cfg.channels.end() || ch->plugin != "email" || !ch->settings.is_object()) continue;
        for (const auto* key : {"to", "cc", "bcc"}) {
            const auto it = ch->settings.find(key);
            if (it == ch->settings.end()) continue;
            const auto list = it->is_array() ? *it : nlohmann::json::array({*it});
            for (const auto& entry : list) {
                if (!entry.is_string()) continue;
                // "Ada <ada@example.org>" or a bare address: the plugin checked the syntax.
                auto address = entry.get<std::string>();
                if (const auto lt = address.rfind('<'); lt != std::string::npos && address.back() == '>') address = address.substr(lt + 1, address.size() - lt - 2);
                payload["unsubscribe"][name][address] = unsubscribe_url(cfg.public_url, secret, {profile.name, name, address});
            }
        }
    }
}

}  // namespace paperboy
