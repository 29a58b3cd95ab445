// The default prompt texts, embedded at build time from config/prompts/*.txt so that the
// binary works without any prompt files installed.
#pragma once

#include <string_view>

namespace paperboy::builtin_prompts {
extern const std::string_view system;        // config/prompts/system.txt
extern const std::string_view criteria;      // config/prompts/criteria.txt
extern const std::string_view instructions;  // config/prompts/instructions.txt
extern const std::string_view topics;        // config/prompts/topics.txt (an example profile)
extern const std::string_view title_instructions;  // config/prompts/title_instructions.txt
}  // namespace paperboy::builtin_prompts
