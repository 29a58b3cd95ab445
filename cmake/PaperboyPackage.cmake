# The Debian package (scripts/package): CPack's DEB generator on an install tree with prefix
# /usr. Dependencies come from dpkg-shlibdeps on the binary and the plugins, so installing the
# .deb with apt pulls exactly the shared libraries they link. The service runs as a DynamicUser,
# so the package creates no account; removing it leaves /var/lib/paperboy (the state) alone.
install(FILES packaging/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
# Debian wants the changelog gzipped without a timestamp (reproducible).
execute_process(COMMAND gzip -9 -n -c ${PROJECT_SOURCE_DIR}/packaging/debian/changelog OUTPUT_FILE ${CMAKE_BINARY_DIR}/changelog.gz)
install(FILES ${CMAKE_BINARY_DIR}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
execute_process(COMMAND gzip -9 -n -c ${PROJECT_SOURCE_DIR}/packaging/paperboy.1 OUTPUT_FILE ${CMAKE_BINARY_DIR}/paperboy.1.gz)
install(FILES ${CMAKE_BINARY_DIR}/paperboy.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "paperboy")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "paperboy maintainers <paperboy@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "personalised daily arXiv digests scored by a language model")
set(CPACK_PACKAGE_DESCRIPTION "paperboy reads the new arXiv papers every announcement day, scores them\nagainst each reader's research interests (a built-in ranker, or a language\nmodel through a plugin) and delivers the best of them to email, Slack,\nDiscord, Telegram, Matrix or a webhook, with a web archive and a sandboxed\nsystemd service.")
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${CMAKE_BINARY_DIR}/plugins")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/packaging/debian/postinst;${PROJECT_SOURCE_DIR}/packaging/debian/prerm;${PROJECT_SOURCE_DIR}/packaging/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
