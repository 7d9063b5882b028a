# Shared by tools/quickstart and tools/test: Debian packages and the build.
# Source it from the repository root.

CANTINE_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev librocksdb-dev libgtest-dev libgmock-dev
  libssl-dev openssl tzdata ca-certificates libcli11-dev
)

# Installs the packages above that are missing (Debian 12, as root or through sudo).
cantine_install_packages() {
  local missing=()
  local package
  for package in "${CANTINE_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
      missing+=("$package")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
}

# Configures and builds into build/ (Release, Ninja, ccache when present). Extra arguments
# are build targets; none builds everything.
cantine_build() {
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build --parallel "$(nproc)" ${1:+--target "$@"}
}
