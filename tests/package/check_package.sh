#!/usr/bin/env bash
# The Debian package as a user gets it: built by scripts/package, its dependencies are the
# shared libraries it links, its files are where Debian puts them, lintian (when installed)
# finds no error, apt can resolve it, and the tree unpacked into a scratch root runs: the
# binary finds its plugins under <root>/usr/lib/paperboy/plugins and passes `check` on an example.
set -euo pipefail
root_dir="$1"
cd "$root_dir"
fail() { echo "FAIL: $*" >&2; exit 1; }

deb=$(scripts/package | tail -n 1)
[[ -f "$deb" ]] || fail "scripts/package made no .deb"
[[ "$(basename "$deb")" == paperboy_*_amd64.deb ]] || fail "unexpected name $(basename "$deb")"

depends=$(dpkg-deb --field "$deb" Depends)
echo "Depends: $depends"
for lib in libcurl4 libsqlite3-0 libssl3 libpugixml1v5 liblinear4 libspdlog1.10 libboost-url1.81.0 libstdc++6; do
  [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib"
done

contents=$(dpkg-deb --contents "$deb" | awk '{print $6}')
for f in ./usr/bin/paperboy ./lib/systemd/system/paperboy.service ./usr/share/doc/paperboy/copyright \
         ./usr/share/doc/paperboy/changelog.gz ./usr/share/doc/paperboy/examples/example.json \
         ./usr/share/doc/paperboy/examples/systemd.json ./usr/share/paperboy/prompts/topics.txt ./usr/share/man/man1/paperboy.1.gz; do
  grep -qxF "$f" <<<"$contents" || fail "the package lacks $f"
done
for p in openai slack discord email telegram matrix webhook feishu teams; do
  grep -qxF "./usr/lib/paperboy/plugins/$p.so" <<<"$contents" || fail "the package lacks the $p plugin"
done
if grep -q '^\./var/lib\|^\./etc/paperboy' <<<"$contents"; then fail "the package ships state or configuration"; fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
dpkg-deb --control "$deb" "$scratch/control"
grep -q 'deb-systemd-invoke stop' "$scratch/control/prerm" || fail "prerm does not stop the service"
if grep -q 'rm .*var/lib' "$scratch/control/postrm"; then fail "postrm removes the state"; fi

unit=$(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./lib/systemd/system/paperboy.service)
grep -q '^ExecStart=/usr/bin/paperboy daemon' <<<"$unit" || fail "the unit does not start /usr/bin/paperboy"
if grep -q '^LoadCredential=' <<<"$unit"; then fail "the unit loads a credential that may be absent"; fi
# Documentation= names what the package installs, not a placeholder URL.
grep -q '^Documentation=man:paperboy(1) file:///usr/share/doc/paperboy/README.md$' <<<"$unit" || fail "the unit's Documentation= is not the installed man page and README"
files=$(dpkg-deb --fsys-tarfile "$deb" | tar -t)  # whole, not cut short by grep -q under pipefail
grep -qx './usr/share/doc/paperboy/README.md' <<<"$files" || fail "the README the unit names is not installed"

dpkg-deb -x "$deb" "$scratch/root"
plugins=$("$scratch/root/usr/bin/paperboy" plugins)
for p in openai slack discord email telegram matrix webhook feishu teams; do
  grep -q "$scratch/root/usr/lib/paperboy/plugins/$p.so" <<<"$plugins" || fail "the unpacked binary does not find $p: $plugins"
done
# The service's example, as the README installs it, with its credential in place.
mkdir -p "$scratch/credentials"
echo "s3cret" >"$scratch/credentials/smtp-password"
CREDENTIALS_DIRECTORY="$scratch/credentials" "$scratch/root/usr/bin/paperboy" check \
  --config "$scratch/root/usr/share/doc/paperboy/examples/systemd.json" >"$scratch/check.log" 2>&1 ||
  { cat "$scratch/check.log"; fail "check fails on the shipped service example"; }

if command -v lintian >/dev/null 2>&1; then
  tags=$(lintian --tag-display-limit 0 "$deb" 2>/dev/null || true)
  echo "lintian: ${tags:-clean}"
  if grep -q '^E:' <<<"$tags"; then fail "lintian errors"; fi
else
  echo "lintian is not installed: skipped"
fi
if [[ $(id -u) -eq 0 ]]; then
  apt-get install --simulate --no-install-recommends "$deb" >"$scratch/apt.log" 2>&1 || { cat "$scratch/apt.log"; fail "apt cannot resolve the package"; }
  grep -q '^Inst paperboy ' "$scratch/apt.log" || { cat "$scratch/apt.log"; fail "apt would not install it"; }
fi
echo "package OK: $deb ($(stat -c %s "$deb") bytes)"
