# Shared helpers for the scripts in this folder.
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

# "rustup" when the ordinary wasm32 target is installed, "build-std" otherwise.
# UPSTREAM_WASM_MODE=build-std forces the fallback (to check it on a machine that has both).
wasm_mode() {
  if [ -n "${UPSTREAM_WASM_MODE:-}" ]; then
    echo "$UPSTREAM_WASM_MODE"
  elif command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    echo rustup
  else
    echo build-std
  fi
}
