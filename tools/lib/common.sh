# Shared by tools/quickstart and tools/test: Debian packages and the build.
# Source it from the repository root.

CANTINE_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev librocksdb-dev libgtest-dev libgmock-dev
  libssl-dev openssl tzdata ca-certificates libcli11-dev clang clang-format
  libcpp-httplib-dev prometheus-cpp-dev libical-dev postgresql
  python3 python3-selenium python3-icalendar chromium chromium-driver
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

# Fails when a tracked C++ file is not formatted as .clang-format says.
cantine_check_format() {
  git ls-files -z '*.cc' '*.h' | xargs -0 clang-format --dry-run --Werror
}

# Runs clang over every project source, syntax only, with -Wthread-safety as an error, so
# that every ABSL_GUARDED_BY is checked (GCC ignores them). Needs a configured build/.
cantine_check_thread_safety() {
  cmake -DBUILD_DIR=build -DOUT_DIR=build/thread-safety -P tools/lib/thread_safety.cmake
  ninja -C build/thread-safety -j "$(nproc)" --quiet
}
