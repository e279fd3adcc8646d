/*
 * Training kernels for TensorFlow.js's wasm back end, compiled to wasm32 with SIMD (128-bit) by
 * scripts/build-train-kernels.mjs (clang + wasm-ld). The module imports the back end's own memory
 * and works in place on its tensors (byte offsets into that memory), so nothing is copied.
 * Leaf functions on locals only: the module keeps no data and never touches the shadow stack.
 *
 * NHWC float32 throughout; channels are the innermost axis, four at a time.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/*
 * Depthwise filter gradient, depth multiplier 1, dilation 1:
 * dw[kh, kw, c] = sum over b, oy, ox of x[b, oy*sh + kh - top, ox*sw + kw - left, c] * dy[b, oy, ox, c]
 * (taps reading padding contribute nothing). dw is overwritten.
 */
EXPORT(td_depthwise_filter_grad)
void td_depthwise_filter_grad(const float *x, const float *dy, float *dw, int batch, int in_h, int in_w, int channels, int out_h, int out_w,
                              int filter_h, int filter_w, int stride_h, int stride_w, int top, int left) {
  const int vec = channels & ~3;
  for (int i = 0; i < filter_h * filter_w * channels; i++) dw[i] = 0.0f;
  /* Output pixel by output pixel, every tap: dw (taps x channels) stays in cache, x and dy are read in order. */
  for (int b = 0; b < batch; b++) {
    for (int oy = 0; oy < out_h; oy++) {
      for (int ox = 0; ox < out_w; ox++) {
        const float *dyrow = dy + ((b * out_h + oy) * out_w + ox) * channels;
        for (int kh = 0; kh < filter_h; kh++) {
          const int iy = oy * stride_h + kh - top;
          if (iy < 0 || iy >= in_h) continue;
          for (int kw = 0; kw < filter_w; kw++) {
            const int ix = ox * stride_w + kw - left;
            if (ix < 0 || ix >= in_w) continue;
            const float *xrow = x + ((b * in_h + iy) * in_w + ix) * channels;
            float *out = dw + (kh * filter_w + kw) * channels;
            int c = 0;
            for (; c < vec; c += 4) wasm_v128_store(out + c, wasm_f32x4_add(wasm_v128_load(out + c), wasm_f32x4_mul(wasm_v128_load(xrow + c), wasm_v128_load(dyrow + c))));
            for (; c < channels; c++) out[c] += xrow[c] * dyrow[c];
          }
        }
      }
    }
  }
}

/*
 * Bias (and ReLU) gradient over rows x channels: dx = dy where y > 0, else 0 (only when dx and y
 * are given), db = column sums of dx (of dy without the ReLU). db is overwritten.
 */
EXPORT(td_bias_relu_grad)
void td_bias_relu_grad(const float *dy, const float *y, float *dx, float *db, int rows, int channels) {
  const int vec = channels & ~3;
  for (int c = 0; c < channels; c++) db[c] = 0.0f;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int r = 0; r < rows; r++) {
    const int base = r * channels;
    int c = 0;
    if (y) {
      for (; c < vec; c += 4) {
        v128_t g = wasm_v128_load(dy + base + c);
        v128_t mask = wasm_f32x4_gt(wasm_v128_load(y + base + c), zero);
        g = wasm_v128_and(g, mask);
        wasm_v128_store(dx + base + c, g);
        wasm_v128_store(db + c, wasm_f32x4_add(wasm_v128_load(db + c), g));
      }
      for (; c < channels; c++) {
        const float g = y[base + c] > 0.0f ? dy[base + c] : 0.0f;
        dx[base + c] = g;
        db[c] += g;
      }
    } else {
      for (; c < vec; c += 4) wasm_v128_store(db + c, wasm_f32x4_add(wasm_v128_load(db + c), wasm_v128_load(dy + base + c)));
      for (; c < channels; c++) db[c] += dy[base + c];
    }
  }
}

/* y = x + b along the last axis, then max(y, 0) when relu: tfjs' Add and Relu in one pass (same values, one rounding). */
EXPORT(td_bias_activation)
void td_bias_activation(const float *x, const float *b, float *y, int rows, int channels, int relu) {
  const int vec = channels & ~3;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int r = 0; r < rows; r++) {
    const int base = r * channels;
    int c = 0;
    for (; c < vec; c += 4) {
      v128_t v = wasm_f32x4_add(wasm_v128_load(x + base + c), wasm_v128_load(b + c));
      if (relu) v = wasm_v128_and(v, wasm_f32x4_gt(v, zero));
      wasm_v128_store(y + base + c, v);
    }
    for (; c < channels; c++) {
      const float v = x[base + c] + b[c];
      y[base + c] = relu && !(v > 0.0f) ? 0.0f : v;
    }
  }
}
