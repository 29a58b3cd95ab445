#include "cli/cli.hpp"

int main(int argc, char** argv) { return paperboy::cli_main(argc, argv); }
