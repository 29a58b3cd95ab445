# paperboy_add_plugin(name CORE_SOURCES ... GLUE_SOURCES ...)
# <name>_core: a static library with the plugin's pure logic (tested directly).
# <name>: the MODULE loaded by the daemon, built into ${CMAKE_BINARY_DIR}/plugins/<name>.so with
# hidden visibility and --no-undefined, so it exports only pb_plugin_entry and cannot lean on
# daemon symbols.
function(paperboy_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "CORE_SOURCES;GLUE_SOURCES")
  add_library(${name}_core STATIC ${ARG_CORE_SOURCES})
  target_include_directories(${name}_core PUBLIC ${CMAKE_CURRENT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(${name}_core PUBLIC nlohmann_json::nlohmann_json PRIVATE paperboy_settings paperboy_warnings)
  set_target_properties(${name}_core PROPERTIES POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)

  add_library(${name} MODULE ${ARG_GLUE_SOURCES})
  target_link_libraries(${name} PRIVATE ${name}_core paperboy_settings paperboy_warnings)
  set_target_properties(${name} PROPERTIES PREFIX "" OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/plugins
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  # Hidden visibility alone still exports libstdc++'s weak template instances; the version
  # script leaves only the entry point.
  target_link_options(${name} PRIVATE -Wl,--version-script=${PROJECT_SOURCE_DIR}/cmake/plugin-exports.map)
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${PROJECT_SOURCE_DIR}/cmake/plugin-exports.map)
  if(NOT PAPERBOY_SANITIZE)
    target_link_options(${name} PRIVATE -Wl,--no-undefined)
  endif()
  install(TARGETS ${name} LIBRARY DESTINATION ${PAPERBOY_PLUGIN_SUBDIR})
endfunction()
