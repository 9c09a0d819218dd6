#!/usr/bin/env bash
# Installs what the editor tests need on this kind of machine (Debian 12, Node 20, root, no internet
# but the npm registry and Debian's packages), idempotently:
#   - Debian packages: chromium (driven by playwright-core), ripgrep (for code-server's search and the
#     @vscode/ripgrep cache below), libkrb5-dev (code-server's native kerberos module);
#   - code-server (= VS Code 1.100.3 in the browser), from npm, into .vscode-test/code-server/.
# Everything it installs by npm is cached under the git-ignored .vscode-test/ folder; a second run
# only checks and prints "cached".
# Works as root with no standard input (CI).
# Usage: bash scripts/install-test-deps.sh            chromium, ripgrep, libkrb5-dev and code-server
#        bash scripts/install-test-deps.sh --browser  chromium only (the webview tests)
set -euo pipefail

browser_only=false
[ "${1:-}" = "--browser" ] && browser_only=true

CODE_SERVER_VERSION=4.100.3
# What code-server 4.100.3's @vscode/ripgrep wants (checked again after installing, see below).
RIPGREP_PACKAGE_VERSION=1.15.11
RIPGREP_VERSION=v13.0.0-10

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$root/.vscode-test/code-server"
binary="$prefix/node_modules/.bin/code-server"
export DEBIAN_FRONTEND=noninteractive

say() { echo "install-test-deps: $*"; }

# --- Debian packages ----------------------------------------------------------------------------
packages=(chromium ripgrep libkrb5-dev)
$browser_only && packages=(chromium)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo -n)
  say "apt-get install ${missing[*]}"
  "${sudo[@]}" apt-get update -qq </dev/null
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" </dev/null
else
  say "${packages[*]}: already installed"
fi
[ -x /usr/bin/chromium ] || { say "no /usr/bin/chromium after installing it"; exit 1; }
$browser_only && exit 0

# --- code-server --------------------------------------------------------------------------------
installed_version() {
  node -e 'try { process.stdout.write(require(process.argv[1]).version) } catch { }' \
    "$prefix/node_modules/code-server/package.json"
}

# The @vscode/ripgrep that code-server's VS Code uses downloads rg from GitHub in its postinstall,
# unless the archive is already in its cache folder: put Debian's rg there as that archive.
seed_ripgrep_cache() { # $1 = @vscode/ripgrep package version, $2 = ripgrep release (v13.0.0-10)
  local tmp="${TMPDIR:-/tmp}"
  local cache="$tmp/vscode-ripgrep-cache-$1"
  local archive="$cache/ripgrep-$2-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -s "$archive" ]; then
    local staging
    staging="$(mktemp -d)"
    cp /usr/bin/rg "$staging/rg"
    mkdir -p "$cache"
    tar -czf "$archive" -C "$staging" rg
    rm -rf "$staging"
    say "seeded the ripgrep cache: $archive"
  fi
}

# Every @vscode/ripgrep inside the installed code-server must have its bin/rg.
check_ripgrep() {
  local ok=0 dir version release
  while IFS= read -r dir; do
    [ -x "$dir/bin/rg" ] && continue
    ok=1
    version="$(node -p "require('$dir/package.json').version")"
    release="$(sed -n "s/^const VERSION = '\(v[^']*\)'.*/\1/p" "$dir/lib/postinstall.js" | head -1)"
    say "$dir has no bin/rg (package $version, ripgrep $release): seeding the cache and rebuilding it"
    seed_ripgrep_cache "$version" "$release"
    rm -rf "$dir/bin" # its postinstall does nothing when bin/ exists
    (cd "$dir" && node lib/postinstall.js </dev/null)
    [ -x "$dir/bin/rg" ] || { say "still no $dir/bin/rg"; return 1; }
  done < <(find "$prefix/node_modules" -type d -path '*/@vscode/ripgrep' 2>/dev/null)
  return 0
}

current="$(installed_version)"
if [ "$current" = "$CODE_SERVER_VERSION" ] && [ -x "$binary" ] && check_ripgrep; then
  say "code-server $CODE_SERVER_VERSION: cached in ${prefix#"$root"/}"
else
  if [ "$current" = "$CODE_SERVER_VERSION" ]; then
    say "code-server $current found incomplete, installing it again"
  elif [ -n "$current" ]; then
    say "code-server $current found, replacing it by $CODE_SERVER_VERSION"
  fi
  say "npm install code-server@$CODE_SERVER_VERSION into ${prefix#"$root"/} (about 2 min, ~300 MB)"
  seed_ripgrep_cache "$RIPGREP_PACKAGE_VERSION" "$RIPGREP_VERSION"
  rm -rf "$prefix"
  mkdir -p "$prefix"
  echo '{ "name": "code-server-for-tests", "private": true }' >"$prefix/package.json"
  # unsafe_perm: code-server's postinstall refuses to run as root otherwise;
  # yes: node-pty's postinstall runs `npx node-gyp`, which would wait for a "yes" on stdin.
  (
    cd "$prefix"
    npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund \
      --no-save --no-package-lock --loglevel=error "code-server@$CODE_SERVER_VERSION" </dev/null
  )
  check_ripgrep
  current="$(installed_version)"
  [ "$current" = "$CODE_SERVER_VERSION" ] && [ -x "$binary" ] || {
    say "code-server did not install"
    exit 1
  }
  say "code-server $current installed"
fi
say "code-server: ${binary#"$root"/}"
