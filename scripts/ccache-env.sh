# Sourced by the build scripts (from the clone's root): where ccache, used when installed,
# keeps its cache, and what lets clones at other paths share it.
# A cache folder even where HOME is not set.
export CCACHE_DIR="${CCACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/ccache}"
# Paths relative to the clone: another clone of the same commit hits the same cache entries.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
# With -g, ccache also hashes the working directory (it is in the debug info) unless told not
# to; without this no two clones ever share an entry.
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
