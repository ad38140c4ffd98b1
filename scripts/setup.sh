#!/usr/bin/env bash
# Installs the Debian packages Proviso needs to build and test, only when missing.
#   scripts/setup.sh          what the build and the tests need (libnats-dev for `run --from`,
#                             nats-server for its tests in tests/jetstream)
#   scripts/setup.sh --fuzz   also clang and its runtime (libFuzzer, the sanitizers) for fuzz/
set -euo pipefail

packages=(g++ cmake make tao-pegtl-dev libfmt-dev libboost-date-time-dev catch2
          libsimdjson-dev libcli11-dev libhowardhinnant-date-dev tzdata libz3-dev
          pkg-config libnats-dev nats-server)
if [[ "${1:-}" == "--fuzz" ]]; then
  packages+=(clang libclang-rt-dev)
fi

# Chromium renders the HTML report in the browser test (tests/browser/report_test.sh); the build
# does not need it, so a failed install only makes that test report itself skipped.
optional=(chromium)

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for package in "${packages[@]}"; do
  installed "$package" || missing+=("$package")
done
missing_optional=()
for package in "${optional[@]}"; do
  installed "$package" || missing_optional+=("$package")
done

if ((${#missing[@]} + ${#missing_optional[@]})); then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq || true
  if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
  fi
  if ((${#missing_optional[@]})); then
    echo "setup: installing ${missing_optional[*]} (for the browser test)"
    "${sudo_cmd[@]}" apt-get install -y -qq "${missing_optional[@]}" ||
      echo "setup: could not install ${missing_optional[*]}; the browser test will be skipped" >&2
  fi
fi
