#!/bin/bash
# The report as a reader sees it: two small sweeps (one with FAIL and PRUNED trials) and a run,
# reported, then opened in Debian's headless Chromium. The DOM Chromium builds must hold every
# figure (SVG elements with their lines, panels, markers, heat-map cells and bars), and its
# screenshot must show them (an image, not a blank page).
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
# History, importance, slices, EDF, intermediate values, timeline, parallel coordinates, small
# multiples (no contour: one numeric parameter, said in a sentence).
[ "$(count '<svg')" = 8 ] || { echo "FAIL: expected 8 figures, Chromium has $(count '<svg')"; exit 1; }
[ "$(count 'class="trial"')" = 8 ] || { echo "FAIL: parallel coordinates: $(count 'class="trial"') lines"; exit 1; }
# 1 history + 1 importance + 2 slices + 1 EDF + 1 intermediate + 1 timeline + 4 small multiples
[ "$(count 'class="panel"')" = 11 ] || { echo "FAIL: $(count 'class="panel"') panels (11 expected)"; exit 1; }
[ "$(count '<figcaption>')" = 8 ] || { echo "FAIL: captions"; exit 1; }
[ "$(count 'class="span complete"')" = 8 ] || { echo "FAIL: timeline: $(count 'class="span complete"') bars"; exit 1; }
grep -q 'Contour of the two most important parameters: skipped' "$work/dom.html" || { echo "FAIL: no sentence for the skipped contour"; exit 1; }
size=$(stat -c %s "$work/shot.png")
[ "$size" -gt 40000 ] || { echo "FAIL: screenshot is only $size bytes: a blank page?"; exit 1; }

# A sweep with every state: learning rates from 1e10 up diverge (FAIL nan), the median rule prunes
# (PRUNED), one trial at a time; two numeric parameters, so the contour is drawn.
sed -e 's/^  kind: grid/  kind: random\n  trials: 20\n  pruner: {kind: median}/' \
    -e 's/^    optimizer.lr: .*/    optimizer.lr: {distribution: log_uniform, min: 1.0e-3, max: 1.0e+12}/' \
    -e 's/^    optimizer.kind: .*/    model.layers[0].units: {distribution: int, min: 4, max: 32, step: 4}\nexecution: {parallel_trials: 1}/' \
    "$work/sweep.yaml" >"$work/marked.yaml"
"$nnlab" sweep "$work/marked.yaml" --out "$work/marked" -q >/dev/null
"$nnlab" report "$work/marked" >/dev/null
state() { awk -F, -v s="$1" 'NR > 1 && $2 == s' "$work/marked/trials.csv" | wc -l; }
failed=$(state FAIL) pruned=$(state PRUNED) complete=$(state COMPLETE)
[ "$failed" -ge 1 ] && [ "$pruned" -ge 1 ] && [ "$complete" -ge 4 ] ||
  { echo "FAIL: the marked sweep has $complete complete, $pruned pruned, $failed failed trials"; exit 1; }
render "$work/marked/report.html"
[ "$(count '<svg')" = 9 ] || { echo "FAIL: the marked sweep has $(count '<svg') figures (9 expected)"; exit 1; }
[ "$(count 'class="series best-so-far"')" = 1 ] || { echo "FAIL: no best-so-far line"; exit 1; }
[ "$(count 'class="series edf"')" = 1 ] || { echo "FAIL: no EDF"; exit 1; }
[ "$(count 'class="span importance"')" = 2 ] || { echo "FAIL: $(count 'class="span importance"') importance bars"; exit 1; }
[ "$(count 'class="cell"')" = 1600 ] || { echo "FAIL: contour: $(count 'class="cell"') cells"; exit 1; }
[ "$(count 'class="span fail"')" = "$failed" ] || { echo "FAIL: timeline: $(count 'class="span fail"') failed bars, $failed trials"; exit 1; }
[ "$(count 'class="span pruned"')" = "$pruned" ] || { echo "FAIL: timeline: $(count 'class="span pruned"') pruned bars, $pruned trials"; exit 1; }
[ "$(count 'class="span complete"')" = "$complete" ] || { echo "FAIL: timeline: complete bars"; exit 1; }
# A cross per failed trial in the history, both slices and the contour (more on curves).
[ "$(count 'class="cross fail"')" -ge $((4 * failed)) ] || { echo "FAIL: $(count 'class="cross fail"') failure marks for $failed failed trials"; exit 1; }
[ "$(count 'class="point pruned"')" -ge $((4 * pruned)) ] || { echo "FAIL: $(count 'class="point pruned"') pruned marks for $pruned pruned trials"; exit 1; }
marked_size=$(stat -c %s "$work/shot.png")
[ "$marked_size" -gt 40000 ] || { echo "FAIL: screenshot is only $marked_size bytes: a blank page?"; exit 1; }

# A single run's report.
sed '/^search:/,$d' "$work/sweep.yaml" >"$work/run.yaml"
"$nnlab" run "$work/run.yaml" --out "$work/run" -q >/dev/null
"$nnlab" report "$work/run" >/dev/null
render "$work/run/report.html"
[ "$(count '<svg')" = 2 ] || { echo "FAIL: a run's report has $(count '<svg') figures"; exit 1; }
[ "$(count 'class="series"')" = 4 ] || { echo "FAIL: $(count 'class="series"') curves (4 expected)"; exit 1; }
# An AutoAugment sweep, when Fashion-MNIST is installed: the learned policy's table, training images
# under it as inline PNGs, and the controller's reward per batch.
policy_note="no policy report (dataset-fashion-mnist is not installed)"
if [ -d /usr/share/datasets/fashion-mnist ]; then
  cat >"$work/policy.yaml" <<'YAML'
name: policy
seed: 4
data: {kind: idx, dataset: fashion-mnist, train_limit: 200, test_limit: 100}
model:
  layers: [{kind: dense, units: 16}, {kind: relu}, {kind: dense, units: 10}]
  loss: {kind: softmax_cross_entropy}
optimizer: {kind: adam, lr: 0.003}
train: {epochs: 1, batch_size: 50, sampling: shuffle, eval: [train, test]}
search:
  kind: autoaugment
  trials: 8
  batch_size: 3
  objective: {metric: test_acc, mode: max}
  space:
    augment.policy: {sub_policies: 2, operations: 2, top: 3}
execution: {parallel_trials: 2}
YAML
  "$nnlab" sweep "$work/policy.yaml" --out "$work/policy" -q >/dev/null
  "$nnlab" report "$work/policy" >/dev/null
  render "$work/policy/report.html"
  [ "$(count '<img class="original"')" = 4 ] || { echo "FAIL: $(count '<img class="original"') original images (4 expected)"; exit 1; }
  [ "$(count '<img class="draw"')" = 24 ] || { echo "FAIL: $(count '<img class="draw"') augmented images (24 expected)"; exit 1; }
  [ "$(count 'class="series batch-mean"')" = 1 ] || { echo "FAIL: no controller reward line"; exit 1; }
  # The images alone on a white page: Chromium must decode them (Fashion-MNIST's black
  # backgrounds), not draw 28 broken-image icons.
  { echo '<!DOCTYPE html><html><body style="margin:0;background:#fff">'
    sed -n '/<table class="augmented">/,/<\/table>/p' "$work/policy/report.html"
    echo '</body></html>'; } >"$work/images.html"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=800,600 \
    --screenshot="$work/images.png" "file://$work/images.html" >/dev/null 2>&1
  dark=$(/usr/bin/python3 -c 'import sys; from PIL import Image
print(sum(1 for p in Image.open(sys.argv[1]).convert("L").getdata() if p < 60))' "$work/images.png")
  [ "$dark" -gt 20000 ] || { echo "FAIL: only $dark dark pixels where 28 Fashion-MNIST images should be"; exit 1; }
  policy_note="a policy report (28 inline images decoded: $dark dark pixels)"
fi

echo "rendered in Chromium: sweep report (8 figures, screenshot $size bytes), a sweep with" \
  "$complete complete, $pruned pruned and $failed failed trials (9 figures, $marked_size bytes)" \
  "and run report; $policy_note"
