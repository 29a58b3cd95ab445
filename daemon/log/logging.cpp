#include "log/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>

#include <cstdlib>

namespace paperboy {

void setup_logging(spdlog::level::level_enum level) {
    auto logger = spdlog::stderr_logger_mt("paperboy");
    logger->set_pattern(std::getenv("JOURNAL_STREAM") ? "%l: %v" : "%Y-%m-%d %H:%M:%S %l: %v");
    logger->set_level(level);
    spdlog::set_default_logger(logger);
}

}  // namespace paperboy
