#pragma once
// Small oneDNN helpers shared by the layer components. Every primitive-descriptor construction
// stays in this plugin: oneDNN 2.6 builds them from op descriptors, 3.x does not, so an upgrade
// touches one folder.
#include <oneapi/dnnl/dnnl.hpp>

#include <cstdint>

namespace nnlab::layers {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

/// A row-major rows x cols f32 matrix.
inline dnnl::memory::desc matrix_desc(std::int64_t rows, std::int64_t cols) {
  return dnnl::memory::desc({rows, cols}, dt::f32, tag::ab);
}

/// The transpose of a row-major rows x cols matrix, as a cols x rows view of the same bytes.
inline dnnl::memory::desc transposed_desc(std::int64_t rows, std::int64_t cols) {
  return dnnl::memory::desc({cols, rows}, dt::f32, tag::ba);
}

/// A memory object over caller-owned bytes; the handle is replaced before each execution.
inline dnnl::memory user_memory(const dnnl::memory::desc& desc, const dnnl::engine& engine) {
  return dnnl::memory(desc, engine, DNNL_MEMORY_NONE);
}

/// Points `memory` at `data` (oneDNN takes non-const handles even for inputs).
inline void bind(dnnl::memory& memory, const float* data) {
  memory.set_data_handle(const_cast<float*>(data));  // NOLINT: oneDNN's API is not const-correct
}

}  // namespace nnlab::layers
