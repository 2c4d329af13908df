#!/usr/bin/env bash
# Builds the mediasoup 3.8.4 worker (the C++ SFU process) from the sources inside the npm package,
# linked against Debian's OpenSSL 3 (libssl-dev) and libsrtp2 (libsrtp2-dev) instead of the bundled
# OpenSSL 1.1.1k and libsrtp 2.3.0. Called by scripts/install.sh after npm ci: mediasoup's own
# postinstall is denied in package.json's allowScripts (npm 11) and skipped through
# MEDIASOUP_WORKER_BIN (npm 10), because it would build the bundled OpenSSL with a gyp that no
# longer runs on Debian's Python.
#
# The result is node_modules/mediasoup/worker/out/Release/mediasoup-worker, where mediasoup looks by
# default. Skips (in about a second) when that binary exists, was built from the same inputs (the
# stamp holds the mediasoup version and a hash of this script and scripts/mediasoup/*) and links
# the system libraries; otherwise builds (~3 minutes on 2 cores) and exits non-zero with a message
# on any failure. Rerunning after a failure resumes: the edits below are idempotent.
#
# Env: JOBS (parallel compile jobs, default: number of cores).
set -euo pipefail
cd "$(dirname "$0")/.."

MEDIASOUP_VERSION=3.8.4 # the patches in scripts/mediasoup/ are for exactly this release
pkg=node_modules/mediasoup
worker=$pkg/worker
out=$worker/out
bin=$out/Release/mediasoup-worker
stamp=$out/.kuaichu-build-stamp
patches=scripts/mediasoup

log() { echo "build-mediasoup-worker: $*"; }
die() {
  echo "build-mediasoup-worker: FAILED: $*" >&2
  exit 1
}

# --- preconditions -------------------------------------------------------------------------------
[ -f "$pkg/package.json" ] || die "$pkg is not installed (run npm ci first)"
version=$(node -p "require('./$pkg/package.json').version")
[ "$version" = "$MEDIASOUP_VERSION" ] ||
  die "mediasoup is $version, but scripts/mediasoup/ patches $MEDIASOUP_VERSION; update them together"
python=$(command -v /usr/bin/python3 || command -v python3) || die "python3 is missing (scripts/setup-system.sh)"
for tool in make g++ ldd strings; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/setup-system.sh installs it)"
done
[ -f /usr/include/openssl/ssl.h ] || die "OpenSSL headers are missing: install libssl-dev (scripts/setup-system.sh)"
[ -f /usr/include/srtp2/srtp.h ] || die "libsrtp2 headers are missing: install libsrtp2-dev (scripts/setup-system.sh)"

# --- checks on the built worker ------------------------------------------------------------------
# Prints why the binary is not the one we want; succeeds silently when it is.
check_binary() {
  local deps lib
  [ -x "$bin" ] || { echo "$bin does not exist"; return 1; }
  deps=$(ldd "$bin" 2>&1) || { echo "ldd $bin failed: $deps"; return 1; }
  if grep -q 'not found' <<<"$deps"; then
    echo "unresolved libraries:"; grep 'not found' <<<"$deps"; return 1
  fi
  for lib in libssl.so.3 libcrypto.so.3 libsrtp2.so; do
    grep -Eq "^\s*$lib[.0-9]* => /(usr/)?lib/" <<<"$deps" || { echo "not linked to the system's $lib"; return 1; }
  done
  if strings "$bin" | grep -q 'OpenSSL 1\.1\.1'; then
    echo "it still contains the bundled OpenSSL 1.1.1"; return 1
  fi
}

want=$({
  echo "mediasoup $version"
  sha256sum scripts/build-mediasoup-worker.sh "$patches"/*
} | sha256sum | cut -d' ' -f1)

if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && check_binary >/dev/null; then
  log "worker up to date ($bin)"
  exit 0
fi

# --- prepare the package's build ------------------------------------------------------------------
if [ -d "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "removing $out: built from other inputs (or by mediasoup's own postinstall)"
  rm -rf "$out"
fi
# Stale or half-written binary from an earlier run with the same inputs: relink it.
[ -e "$bin" ] && rm -f "$bin"

# Replace the text `old` by `new` in a file exactly once; a no-op when `new` is already there.
# Fails when neither is found (the package is not the 3.8.4 we know).
edit_once() {
  "$python" - "$@" <<'PY' || die "cannot patch $1"
import sys
path, old, new = sys.argv[1:4]
text = open(path, encoding='utf-8').read()
if new in text:
    sys.exit(0)
if text.count(old) != 1:
    sys.exit(f'{path}: expected exactly one {old!r}, found {text.count(old)}')
open(path, 'w', encoding='utf-8').write(text.replace(old, new))
PY
}

# System OpenSSL 3 and libsrtp2 instead of the bundled ones (prepared replacement gyp files).
cp "$patches/openssl.gyp" "$worker/deps/openssl/openssl.gyp"
cp "$patches/libsrtp.gyp" "$worker/deps/libsrtp/libsrtp.gyp"
# The worker force-links the bundled static libopenssl.a; nothing to link there now.
edit_once "$worker/mediasoup-worker.gyp" \
  "'ldflags': [ '-Wl,--whole-archive <(libopenssl) -Wl,--no-whole-archive' ]" \
  "'ldflags': [ ] # kuaichu: OpenSSL 3 is linked through deps/openssl/openssl.gyp"
# The bundled gyp runs on Python <= 3.9 only (collections.MutableSet moved to collections.abc).
edit_once "$worker/deps/gyp/pylib/gyp/common.py" \
  $'import collections\n' \
  $'import collections\nimport collections.abc # kuaichu: Python 3.10+\n'
edit_once "$worker/deps/gyp/pylib/gyp/common.py" \
  'class OrderedSet(collections.MutableSet):' \
  'class OrderedSet(collections.abc.MutableSet):'

# --- build ----------------------------------------------------------------------------------------
mkdir -p "$out"
echo "$want" >"$stamp" # the inputs $out is being built from: a rerun resumes instead of starting over
jobs=${JOBS:-$(nproc)}
log "building $bin with $jobs jobs (about 3 minutes on 2 cores)"
start=$SECONDS
# The worker's Makefile skips the build when MEDIASOUP_WORKER_BIN is set (install.sh sets it for
# npm ci) and follows MEDIASOUP_OUT_DIR/MEDIASOUP_BUILDTYPE: pin them all.
env -u MEDIASOUP_WORKER_BIN -u MEDIASOUP_OUT_DIR -u MEDIASOUP_BUILDTYPE -u MEDIASOUP_MAX_CORES \
  CXXFLAGS="-include $PWD/$patches/glibc-sigstksz.h" \
  make -C "$worker" PYTHON="$python" CORES="$jobs" MEDIASOUP_BUILDTYPE=Release ||
  die "make -C $worker failed (see the compiler output above); rerun this script to resume"
log "built in $((SECONDS - start)) s"

why=$(check_binary) || die "the built worker is wrong: $why"
ldd "$bin" | grep -E 'libssl|libcrypto|libsrtp' | sed 's/^\s*/build-mediasoup-worker:   /'
log "worker ready ($bin)"
