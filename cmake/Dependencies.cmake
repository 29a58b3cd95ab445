# Every dependency comes from a Debian 12 package (scripts/install-deps); nothing is downloaded.
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS url program_options)
find_package(OpenSSL REQUIRED)
find_package(CURL REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(pugixml REQUIRED)
find_package(SQLite3 REQUIRED)
# zlib: the stored abstracts are deflated (state/text_pack.cpp).
find_package(ZLIB REQUIRED)
find_package(date REQUIRED)
# liblinear (Debian's liblinear-dev) ships no CMake package: an imported target by hand.
find_library(PAPERBOY_LIBLINEAR linear REQUIRED)
find_path(PAPERBOY_LIBLINEAR_INCLUDE linear.h REQUIRED)
add_library(liblinear::liblinear UNKNOWN IMPORTED)
set_target_properties(liblinear::liblinear PROPERTIES IMPORTED_LOCATION ${PAPERBOY_LIBLINEAR} INTERFACE_INCLUDE_DIRECTORIES ${PAPERBOY_LIBLINEAR_INCLUDE})

# Snowball's stemmers (Debian's libstemmer-dev), likewise without a CMake package.
find_library(PAPERBOY_LIBSTEMMER stemmer REQUIRED)
find_path(PAPERBOY_LIBSTEMMER_INCLUDE libstemmer.h REQUIRED)
add_library(libstemmer::libstemmer UNKNOWN IMPORTED)
set_target_properties(libstemmer::libstemmer PROPERTIES IMPORTED_LOCATION ${PAPERBOY_LIBSTEMMER} INTERFACE_INCLUDE_DIRECTORIES ${PAPERBOY_LIBSTEMMER_INCLUDE})
