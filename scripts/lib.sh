# Shared by scripts/run and scripts/test: install what is missing, nothing more.
# Debian/Ubuntu packages through apt-get (as root, or with sudo), the UI's npm packages with
# `npm ci`, and tauri-driver (for the end-to-end test) with cargo.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# need_apt PKG...: installs the Debian packages that are not installed yet.
need_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    if ! command -v apt-get >/dev/null; then
      say "Paquets manquants : ${missing[*]} (installez-les avec le gestionnaire de paquets de votre système)"
      exit 1
    fi
    say "apt-get install ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

need_rust() {
  command -v cargo >/dev/null || { say "Rust est requis : https://rustup.rs (puis relancez)"; exit 1; }
}

need_node() {
  command -v npm >/dev/null || need_apt nodejs npm
}

# The packages to compile the Tauri shell (WebKitGTK 4.1 pulls GTK 3 and libsoup 3) and SQLCipher
# (libcrypto from libssl-dev).
BUILD_PACKAGES=(build-essential pkg-config libwebkit2gtk-4.1-dev libssl-dev)

# Builds the web UI into ui/dist, which the app binary embeds.
build_ui() {
  need_node
  say "UI : npm ci && npm run build"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
}

# A real print queue for the printing tests: the CUPS scheduler (started here when no service
# manager runs it) and a CUPS-PDF printer named ComptoirTest. Exports COMPTOIR_TEST_PRINTER.
need_print_queue() {
  need_apt cups cups-client printer-driver-cups-pdf
  if lpstat -r 2>/dev/null | grep -q "not running"; then
    say "Démarrage de cupsd"
    as_root cupsd
    for _ in $(seq 50); do
      lpstat -r 2>/dev/null | grep -q "is running" && break
      sleep 0.2
    done
  fi
  if ! lpstat -p ComptoirTest >/dev/null 2>&1; then
    say "File d'impression de test ComptoirTest (CUPS-PDF)"
    as_root lpadmin -p ComptoirTest -E -v cups-pdf:/ -m lsb/usr/cups-pdf/CUPS-PDF_noopt.ppd 2>/dev/null
  fi
  export COMPTOIR_TEST_PRINTER=ComptoirTest
}

# A small filesystem that fills up, for the full-disk backup test (a 256 KB tmpfs, mounted as
# root). Exports COMPTOIR_TEST_FULL_DIR; the caller unmounts it (umount_full_disk).
need_full_disk() {
  FULL_DIR="$(mktemp -d)"
  as_root mount -t tmpfs -o size=256k,mode=1777 tmpfs "$FULL_DIR"
  export COMPTOIR_TEST_FULL_DIR="$FULL_DIR"
}

umount_full_disk() {
  if [ -n "${FULL_DIR:-}" ]; then
    as_root umount "$FULL_DIR" 2>/dev/null || true
    rmdir "$FULL_DIR" 2>/dev/null || true
  fi
}

# cargo-packager, which builds the installers from Packager.toml (the Tauri CLI does not work
# with tauri.conf.json at the repository root: see ARCHITECTURE.md).
need_packager() {
  if ! cargo packager --version 2>/dev/null | grep -q "0.11.8"; then
    say "cargo install cargo-packager"
    # The Debian package needs neither its downloads (NSIS and WiX tools, for Windows: TLS) nor
    # an optimised build of the tool: about half its compile time on a fresh machine.
    cargo install cargo-packager --version 0.11.8 --locked --quiet --debug --no-default-features --features cli
  fi
}
