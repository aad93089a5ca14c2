#!/bin/bash
# A user's ten minutes, as a test: install nnlab to a temporary prefix, copy plugins/examples out of
# the source tree, build it against the installed SDK alone (find_package(nnlab)), and use its five
# components (layer, regularizer, optimizer, dataset, search strategy) in a run and in a sweep.
# Usage: out_of_tree_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
cp -r "$source/plugins/examples" "$work/project"
rm -rf "$work/project/build"
cmake -S "$work/project" -B "$work/project/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/project/build" >"$work/build.log" || { cat "$work/build.log"; exit 1; }

nnlab="$work/prefix/bin/nnlab"
cd "$work"  # not the project: `plugins: [build]` in spirals.yaml is relative to the YAML file

fail() { echo "FAIL: $*"; exit 1; }

"$nnlab" plugins --plugin-path "$work/project/build" --describe leaky_relu >describe.txt
grep -q "alpha  number  0.01     \[0, 1)" describe.txt || { cat describe.txt; fail "describe"; }

"$nnlab" run project/spirals.yaml --out run -q >run.txt || { cat run.txt; fail "run"; }
test_acc=$(sed -n 's/.*test_acc \([0-9.]*\).*/\1/p' run.txt)
awk -v a="$test_acc" 'BEGIN { exit !(a > 0.9) }' || fail "spirals test_acc $test_acc <= 0.9"

"$nnlab" sweep project/spirals.yaml --out sweep -q >sweep.txt || { cat sweep.txt; fail "sweep"; }
[ "$(grep -c ',COMPLETE,' sweep/trials.csv)" = 8 ] || { cat sweep/trials.csv; fail "8 trials"; }
# The best trial reruns alone, from another folder: its plugin paths were made absolute.
mkdir elsewhere && cd elsewhere
"$nnlab" run ../sweep/best.yaml --out ../best -q >/dev/null || fail "best.yaml rerun"
cd "$work"

# Installed with `cmake --install`, the plugins are found through NNLAB_PLUGIN_PATH.
cmake --install project/build --prefix "$work/user" >/dev/null
# To a file first: `| grep -q` closes the pipe at the first match, and with pipefail the SIGPIPE
# that nnlab may then get while still writing fails the line.
NNLAB_PLUGIN_PATH="$work/user/lib/nnlab/plugins" "$nnlab" plugins >listed.txt
grep -q "latin_hypercube" listed.txt || { cat listed.txt; fail "NNLAB_PLUGIN_PATH"; }

# Without them, the experiment names what is missing.
sed 's/^plugins:.*//' project/spirals.yaml >plain.yaml
if "$nnlab" run plain.yaml --out plain -q 2>err.txt; then fail "ran without its plugins"; fi
grep -q "unknown dataset 'spirals'" err.txt || { cat err.txt; fail "unknown dataset message"; }
echo "out-of-tree plugins: built against $work/prefix, run and sweep ok (test_acc $test_acc)"
