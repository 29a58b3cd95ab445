# paperboy_settings: language level and hardening shared by every first-party target.
# paperboy_warnings: the warning set; errors when PAPERBOY_WARNINGS_AS_ERRORS is on.
add_library(paperboy_settings INTERFACE)
target_compile_features(paperboy_settings INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)
target_compile_definitions(paperboy_settings INTERFACE
  $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>
  BOOST_ASIO_NO_DEPRECATED
  BOOST_BEAST_USE_STD_STRING_VIEW)
if(PAPERBOY_SANITIZE)
  target_compile_options(paperboy_settings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(paperboy_settings INTERFACE -fsanitize=address,undefined)
endif()

add_library(paperboy_warnings INTERFACE)
target_compile_options(paperboy_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough -Wformat=2 -Wno-missing-field-initializers
  $<$<BOOL:${PAPERBOY_WARNINGS_AS_ERRORS}>:-Werror>)
if(PAPERBOY_SANITIZE)
  # ASan instrumentation makes GCC 12 report maybe-uninitialized inside libstdc++ (std::regex,
  # std::function) where nothing is uninitialised; the normal build keeps the warning.
  target_compile_options(paperboy_warnings INTERFACE -Wno-maybe-uninitialized)
endif()
