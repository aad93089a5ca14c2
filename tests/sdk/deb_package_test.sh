#!/bin/bash
# `cpack -G DEB` builds a package with the CLI, libnnlab, the built-in plugins and the SDK (headers
# and CMake package), depending on the Debian packages the SDK needs.
# Usage: deb_package_test.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >cpack.log) ||
  { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/out/nnlab_*_amd64.deb)
contents="$work/contents.txt"
dpkg-deb -c "$deb" | awk '{print $6}' >"$contents"
for f in ./usr/bin/nnlab ./usr/lib/nnlab/plugins/layers.so ./usr/lib/nnlab/plugins/search.so \
         ./usr/lib/nnlab/plugins/augmentations.so ./usr/include/nnlab/augmentation.hpp \
         ./usr/include/nnlab/plugin.hpp ./usr/include/nnlab/schema.hpp \
         ./usr/lib/cmake/nnlab/nnlabConfig.cmake ./usr/lib/cmake/nnlab/NnlabPlugin.cmake; do
  grep -qx "$f" "$contents" || { echo "FAIL: $f not in $deb"; cat "$contents"; exit 1; }
done
grep -q "libnnlab.so" "$contents" || { echo "FAIL: no libnnlab"; exit 1; }
depends=$(dpkg-deb -f "$deb" Depends)
for d in libdnnl-dev libyaml-cpp libtbb libboost-filesystem-dev libc6; do
  [[ "$depends" == *"$d"* ]] || { echo "FAIL: Depends lacks $d: $depends"; exit 1; }
done
echo "$(basename "$deb"): $(wc -l <"$contents") entries; Depends: $depends"
