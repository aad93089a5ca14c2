#!/bin/bash
# The report as a reader sees it: a small sweep and a run, reported, then opened in Debian's
# headless Chromium. The DOM Chromium builds must hold every figure (SVG elements with their lines
# and panels), and its screenshot must show them (an image, not a blank page).
# Usage: chromium_render_test.sh NNLAB_CLI SOURCE_DIR
set -euo pipefail
nnlab=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v chromium >/dev/null || { echo "FAIL: chromium is not installed (apt-get install chromium)"; exit 1; }

cat >"$work/sweep.yaml" <<'YAML'
name: render
seed: 2
data: {kind: synthetic, classes: 3, features: 8, train: 120, test: 60}
model:
  layers:
    - {kind: dense, units: 16}
    - {kind: relu}
    - {kind: dense, units: 3}
  loss: {kind: softmax_cross_entropy}
optimizer: {kind: sgd, lr: 0.1}
train: {epochs: 10, batch_size: 20, eval: [train, test]}
search:
  kind: grid
  objective: {metric: test_acc, mode: max}
  space:
    optimizer.lr: {distribution: log_uniform, min: 0.01, max: 0.3, grid: 4}
    optimizer.kind: {values: [sgd, momentum]}
YAML
"$nnlab" sweep "$work/sweep.yaml" --out "$work/sweep" -q >/dev/null
"$nnlab" report "$work/sweep" >/dev/null

render() {  # FILE -> the DOM Chromium built, and a screenshot
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,1600 \
    --dump-dom "file://$1" 2>/dev/null >"$work/dom.html"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,1600 \
    --screenshot="$work/shot.png" "file://$1" >/dev/null 2>&1
}
count() { grep -o "$1" "$work/dom.html" | wc -l; }

render "$work/sweep/report.html"
[ "$(count '<svg')" = 3 ] || { echo "FAIL: expected 3 figures, Chromium has $(count '<svg')"; exit 1; }
[ "$(count 'class="trial"')" = 8 ] || { echo "FAIL: parallel coordinates: $(count 'class="trial"') lines"; exit 1; }
[ "$(count 'class="panel"')" = 5 ] || { echo "FAIL: $(count 'class="panel"') panels (1 + 4 expected)"; exit 1; }
[ "$(count '<figcaption>')" = 3 ] || { echo "FAIL: captions"; exit 1; }
size=$(stat -c %s "$work/shot.png")
[ "$size" -gt 40000 ] || { echo "FAIL: screenshot is only $size bytes: a blank page?"; exit 1; }

# A single run's report.
sed '/^search:/,$d' "$work/sweep.yaml" >"$work/run.yaml"
"$nnlab" run "$work/run.yaml" --out "$work/run" -q >/dev/null
"$nnlab" report "$work/run" >/dev/null
render "$work/run/report.html"
[ "$(count '<svg')" = 2 ] || { echo "FAIL: a run's report has $(count '<svg') figures"; exit 1; }
[ "$(count 'class="series"')" = 4 ] || { echo "FAIL: $(count 'class="series"') curves (4 expected)"; exit 1; }
echo "rendered in Chromium: sweep report (3 figures, screenshot $size bytes) and run report"
