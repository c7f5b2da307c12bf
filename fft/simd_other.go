//go:build !amd64 || purego

package fft

// haveSIMD is false without the amd64 assembly kernels (build tag purego
// or another architecture): every pass runs the pure-Go code.
const haveSIMD = false

// The stubs below are never called when haveSIMD is false.

func radix4AVX2(y, x, tw []complex128, m, s int) { panic("fft: no SIMD kernels") }

func radix4s1AVX2(y, x, twv []complex128, m int) { panic("fft: no SIMD kernels") }

func radix3AVX2(y, x, tw []complex128, m, s int, sin60 float64) {
	panic("fft: no SIMD kernels")
}

func radix5AVX2(y, x, tw []complex128, m, s int, c *[4]float64) {
	panic("fft: no SIMD kernels")
}

func radix44AVX2(y, x, twa, twb, buf []complex128, m, s int) {
	panic("fft: no SIMD kernels")
}

func radix42AVX2(y, x, twa, twb []complex128, m, s int) {
	panic("fft: no SIMD kernels")
}

func radix55AVX2(y, x, twf, twb, buf []complex128, mb, s int, c *[4]float64) {
	panic("fft: no SIMD kernels")
}

func radix33AVX2(y, x, twa, twb, buf []complex128, mb, s int, sin60 float64) {
	panic("fft: no SIMD kernels")
}

func radix55pAVX2(y, x, twf, twb, buf []complex128, mb, s int, c *[4]float64) {
	panic("fft: no SIMD kernels")
}

func radix3s1AVX2(y, x, tw []complex128, m int, sin60 float64) {
	panic("fft: no SIMD kernels")
}

func radix5s1AVX2(y, x, tw []complex128, m int, c *[4]float64) {
	panic("fft: no SIMD kernels")
}

func radix2AVX2(y, x, tw []complex128, m, s int) { panic("fft: no SIMD kernels") }

func radix2s1AVX2(y, x, tw []complex128, m int) { panic("fft: no SIMD kernels") }

func realForwardAVX2(z, tw []complex128, pairs int) { panic("fft: no SIMD kernels") }

func realInverseAVX2(z, src, tw []complex128, c float64, pairs int) {
	panic("fft: no SIMD kernels")
}

// simdKernels reports whether this build has the assembly kernels.
const simdKernels = false
