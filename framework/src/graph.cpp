#include "graph.hpp"

#include <algorithm>
#include <cstring>

#include "plugin_host.hpp"

namespace nnlab {

Graph::Graph(const ModelSpec& spec, const Shape& data_shape, const PluginHost& host,
             std::uint64_t seed) {
  input_shape_ = data_shape;
  if (spec.input_width > 0) {
    if (spec.input_width != data_shape.size()) {
      throw ConfigError(spec.input_where, "model.input",
                        "the model takes " + std::to_string(spec.input_width) +
                            " features but the data has " + std::to_string(data_shape.size()) +
                            (data_shape.rank() > 1 ? " (" + data_shape.to_string() + ")" : ""));
    }
    input_shape_ = Shape{spec.input_width};  // declared flat: the layers see a vector
  }
  // Topological order (Kahn), keeping file order among ready nodes so a chain stays a chain.
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < spec.nodes.size(); ++i) index[spec.nodes[i].name] = i;
  std::vector<int> pending(spec.nodes.size(), 0);
  std::vector<std::vector<std::size_t>> dependents(spec.nodes.size());
  for (std::size_t i = 0; i < spec.nodes.size(); ++i) {
    const NodeSpec& node = spec.nodes[i];
    for (const auto& in : node.inputs) {
      if (in == "input") continue;
      auto it = index.find(in);
      if (it == index.end()) {
        throw ConfigError(
            node.layer.where, node.layer.path + ".inputs",
            "no node named '" + in + "' (inputs name earlier nodes, or 'input' for the data)");
      }
      ++pending[i];
      dependents[it->second].push_back(i);
    }
  }
  std::vector<std::size_t> order;
  std::vector<bool> done(spec.nodes.size(), false);
  while (order.size() < spec.nodes.size()) {
    bool progressed = false;
    for (std::size_t i = 0; i < spec.nodes.size(); ++i) {
      if (done[i] || pending[i] != 0) continue;
      done[i] = true;
      order.push_back(i);
      for (auto d : dependents[i]) --pending[d];
      progressed = true;
      break;
    }
    if (!progressed) {
      const auto stuck = std::find(done.begin(), done.end(), false) - done.begin();
      const NodeSpec& node = spec.nodes[static_cast<std::size_t>(stuck)];
      throw ConfigError(node.layer.where, node.layer.path + ".inputs",
                        "node '" + node.name + "' is part of a cycle; the model must be a DAG");
    }
  }

  std::map<std::string, int> position;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const NodeSpec& node_spec = spec.nodes[order[k]];
    Node node;
    node.name = node_spec.name;
    node.layer = host.create(host.registries().layers, node_spec.layer);
    LayerBuild build;
    build.name = node.name;
    for (const auto& in : node_spec.inputs) {
      const int producer = in == "input" ? kData : position.at(in);
      node.inputs.push_back(producer);
      build.input_shapes.push_back(
          producer == kData ? input_shape_ : nodes_[static_cast<std::size_t>(producer)].shape);
      build.input_width.push_back(build.input_shapes.back().size());
      if (producer != kData) ++nodes_[static_cast<std::size_t>(producer)].consumers;
    }
    const auto n_inputs = static_cast<int>(node.inputs.size());
    if (n_inputs < node.layer->min_inputs() || n_inputs > node.layer->max_inputs()) {
      throw ConfigError(node_spec.layer.where, node_spec.layer.path + ".inputs",
                        "layer '" + node_spec.layer.kind + "' takes " +
                            std::to_string(node.layer->min_inputs()) +
                            (node.layer->max_inputs() != node.layer->min_inputs() ? "+" : "") +
                            " input(s), got " + std::to_string(n_inputs));
    }
    Rng init_rng(derive_seed(seed, "init/" + node.name));
    build.init_rng = &init_rng;
    build.seed = derive_seed(seed, "layer/" + node.name);
    try {
      node.shape = node.layer->build(build);
      node.width = node.shape.size();
      if (node.width <= 0)
        throw Error("its output would be empty (" + node.shape.to_string() + ")");
    } catch (const ConfigError&) {
      throw;
    } catch (const std::bad_alloc&) {
      // `units: 1e12`: refused with its line, not an anonymous std::bad_alloc.
      throw ConfigError(node_spec.layer.where, node_spec.layer.path,
                        "its parameters need more memory than this machine has");
    } catch (const Error& e) {
      throw ConfigError(node_spec.layer.where, node_spec.layer.path, e.what());
    }
    for (Parameter* p : node.layer->parameters()) parameters_.push_back(p);
    position[node.name] = static_cast<int>(nodes_.size());
    nodes_.push_back(std::move(node));
  }
  auto out = position.find(spec.output);
  if (out == position.end())
    throw ConfigError(spec.output_where, "model.output", "no node named '" + spec.output + "'");
  output_ = out->second;
  // Every node must lead to the output; a dangling branch is almost always a typo in `inputs`.
  std::vector<bool> used(nodes_.size(), false);
  used[static_cast<std::size_t>(output_)] = true;
  for (int i = output_; i >= 0; --i) {
    if (!used[static_cast<std::size_t>(i)]) continue;
    for (int p : nodes_[static_cast<std::size_t>(i)].inputs) {
      if (p != kData) used[static_cast<std::size_t>(p)] = true;
    }
  }
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (!used[i]) {
      const NodeSpec& s = spec.nodes[order[i]];
      throw ConfigError(
          s.layer.where, s.layer.path,
          "node '" + s.name + "' does not lead to the model output '" + spec.output + "'");
    }
  }
}

Graph::~Graph() = default;

std::vector<std::string> Graph::node_names() const {
  std::vector<std::string> names;
  for (const auto& n : nodes_) names.push_back(n.name);
  return names;
}

std::vector<StateTensor> Graph::state() {
  std::vector<StateTensor> all;
  for (auto& node : nodes_)
    for (const StateTensor& t : node.layer->state()) all.push_back(t);
  return all;
}

TrainingState Graph::training_state() {
  TrainingState all;
  for (auto& node : nodes_) node.layer->training_state(all);
  return all;
}

const Shape& Graph::node_shape(const std::string& name) const {
  for (const auto& node : nodes_)
    if (node.name == name) return node.shape;
  throw Error("no node named '" + name + "'");
}

ConstMatrixView Graph::node_output(const std::string& name) {
  if (!current_) throw Error("node_output before any forward pass");
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].name != name) continue;
    Workspace& ws = *current_;
    if (is_plain(ws.layouts[i])) return ws.outputs[i].view();
    // Probes read plain rows; a blocked node is reordered on demand (not in the training loop).
    const std::int64_t batch = current_input_.rows;
    auto& plain = ws.plain_outputs[i];
    if (!plain) plain.emplace(batch, nodes_[i].width);
    make_reorder(*current_compute_, ws.layouts[i], plain_layout(batch, nodes_[i].shape))
        .run(*current_compute_, ws.outputs[i].data(), plain->data());
    return plain->view();
  }
  throw Error("no node named '" + name + "'");
}

void Graph::Reorder::run(Compute& compute, const float* source, float* target) {
  from.set_data_handle(const_cast<float*>(source));  // NOLINT: oneDNN's API is not const-correct
  to.set_data_handle(target);
  primitive.execute(compute.stream, from, to);
}

Graph::Reorder Graph::make_reorder(Compute& compute, const Layout& from, const Layout& to) const {
  Reorder r;
  r.from = dnnl::memory(from, compute.engine, DNNL_MEMORY_NONE);
  r.to = dnnl::memory(to, compute.engine, DNNL_MEMORY_NONE);
  r.primitive = dnnl::reorder(r.from, r.to);
  return r;
}

std::vector<Layout> Graph::layouts(Compute& compute, std::int64_t batch) {
  return workspace(compute, batch).layouts;
}

Graph::Workspace& Graph::workspace(Compute& compute, std::int64_t batch) {
  auto it = workspaces_.find(batch);
  if (it != workspaces_.end()) return it->second;
  Workspace ws;
  const Layout data_layout = plain_layout(batch, input_shape_);
  std::vector<Layout> inputs;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    Node& node = nodes_[i];
    inputs.clear();
    for (int p : node.inputs)
      inputs.push_back(p == kData ? data_layout : ws.layouts[static_cast<std::size_t>(p)]);
    const Layout plain = plain_layout(batch, node.shape);
    std::optional<Layout> planned;
    if (!plain_only_) planned = node.layer->plan(compute, batch, inputs);
    if (planned && planned->dims() != plain.dims()) {
      throw Error("layer '" + node.name + "' planned a layout of other dimensions than its " +
                  node.shape.to_string() + " output");
    }
    ws.staging.emplace_back(node.inputs.size());
    if (!planned) {
      // A plain-rows layer: blocked inputs are reordered to plain in front of it.
      for (std::size_t s = 0; s < inputs.size(); ++s) {
        if (is_plain(inputs[s])) continue;
        const Shape& shape = nodes_[static_cast<std::size_t>(node.inputs[s])].shape;
        Staging& st = ws.staging[i][s];
        st.plain = Matrix(batch, shape.size());
        st.to_plain = make_reorder(compute, inputs[s], plain_layout(batch, shape));
        st.from_plain = make_reorder(compute, plain_layout(batch, shape), inputs[s]);
      }
    }
    ws.layouts.push_back(planned ? *planned : plain);
    ws.outputs.emplace_back(batch, floats_per_sample(ws.layouts.back()));
  }
  ws.plain_outputs.resize(nodes_.size());
  const auto out = static_cast<std::size_t>(output_);
  if (!is_plain(ws.layouts[out])) {
    // The loss reads plain rows and writes its gradient in plain rows.
    const Layout plain = plain_layout(batch, nodes_[out].shape);
    ws.output_staged = true;
    ws.output.plain = Matrix(batch, nodes_[out].width);
    ws.output.to_plain = make_reorder(compute, ws.layouts[out], plain);
    ws.output.from_plain = make_reorder(compute, plain, ws.layouts[out]);
  }
  return workspaces_.emplace(batch, std::move(ws)).first->second;
}

void Graph::allocate_grads(Workspace& ws, std::int64_t batch) {
  ws.partial.resize(nodes_.size());
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    ws.grads.emplace_back(batch, ws.outputs[i].cols());
    for (std::size_t s = 0; s < nodes_[i].inputs.size(); ++s) {
      const int p = nodes_[i].inputs[s];
      const bool fan_out = p != kData && nodes_[static_cast<std::size_t>(p)].consumers > 1;
      ws.partial[i].push_back(
          fan_out ? Matrix(batch, ws.outputs[static_cast<std::size_t>(p)].cols()) : Matrix());
      Staging& st = ws.staging[i][s];
      if (!st.plain.empty()) st.plain_grad = Matrix(batch, st.plain.cols());
    }
  }
  if (ws.output_staged) ws.output.plain_grad = Matrix(batch, ws.output.plain.cols());
}

ConstMatrixView Graph::forward(Compute& compute, ConstMatrixView input, Mode mode) {
  Workspace& ws = workspace(compute, input.rows);
  current_ = &ws;
  current_compute_ = &compute;
  current_input_ = input;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    Node& node = nodes_[i];
    input_views_.clear();
    for (std::size_t s = 0; s < node.inputs.size(); ++s) {
      const int p = node.inputs[s];
      if (p == kData) {
        input_views_.push_back(input);
        continue;
      }
      Matrix& produced = ws.outputs[static_cast<std::size_t>(p)];
      Staging& st = ws.staging[i][s];
      if (st.plain.empty()) {
        input_views_.push_back(produced.view());
      } else {
        st.to_plain.run(compute, produced.data(), st.plain.data());
        input_views_.push_back(st.plain.view());
      }
    }
    node.layer->forward(compute, input_views_, ws.outputs[i].view(), mode);
  }
  const auto out = static_cast<std::size_t>(output_);
  if (!ws.output_staged) return ws.outputs[out].view();
  ws.output.to_plain.run(compute, ws.outputs[out].data(), ws.output.plain.data());
  return ws.output.plain.view();
}

MatrixView Graph::output_grad() {
  if (current_->grads.empty()) allocate_grads(*current_, current_input_.rows);
  if (current_->output_staged) return current_->output.plain_grad.view();
  return current_->grads[static_cast<std::size_t>(output_)].view();
}

Matrix& Graph::gradient_target(Workspace& ws, std::size_t node, std::size_t slot) {
  Matrix& partial = ws.partial[node][slot];
  return partial.empty() ? ws.grads[static_cast<std::size_t>(nodes_[node].inputs[slot])] : partial;
}

void Graph::backward(Compute& compute) {
  Workspace& ws = *current_;
  if (ws.grads.empty()) allocate_grads(ws, current_input_.rows);
  // Fan-out producers sum their consumers' contributions; zero them first.
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].consumers > 1) ws.grads[i].fill(0.0f);
  }
  const auto out = static_cast<std::size_t>(output_);
  if (ws.output_staged)
    ws.output.from_plain.run(compute, ws.output.plain_grad.data(), ws.grads[out].data());
  for (std::size_t k = out + 1; k-- > 0;) {
    Node& node = nodes_[k];
    input_views_.clear();
    grad_views_.clear();
    for (std::size_t s = 0; s < node.inputs.size(); ++s) {
      const int p = node.inputs[s];
      if (p == kData) {
        input_views_.push_back(current_input_);
        grad_views_.push_back(MatrixView{nullptr, current_input_.rows, current_input_.cols});
        continue;
      }
      Staging& st = ws.staging[k][s];
      const bool staged = !st.plain.empty();
      input_views_.push_back(staged ? st.plain.view()
                                    : ws.outputs[static_cast<std::size_t>(p)].view());
      grad_views_.push_back(staged ? st.plain_grad.view() : gradient_target(ws, k, s).view());
    }
    node.layer->backward(compute, input_views_, ws.outputs[k].view(), ws.grads[k].view(),
                         grad_views_);
    for (std::size_t s = 0; s < node.inputs.size(); ++s) {
      const int p = node.inputs[s];
      if (p == kData) continue;
      Staging& st = ws.staging[k][s];
      if (!st.plain.empty())
        st.from_plain.run(compute, st.plain_grad.data(), gradient_target(ws, k, s).data());
      if (ws.partial[k][s].empty()) continue;
      float* sum = ws.grads[static_cast<std::size_t>(p)].data();
      const float* part = ws.partial[k][s].data();
      for (std::int64_t j = 0, n = ws.partial[k][s].size(); j < n; ++j) sum[j] += part[j];
    }
  }
}

}  // namespace nnlab
