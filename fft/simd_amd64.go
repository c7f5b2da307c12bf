//go:build amd64 && !purego

package fft

// haveSIMD reports whether the CPU and the operating system support the
// AVX2 and FMA instructions of the assembly kernels in simd_amd64.s. The
// build tag purego (or another architecture) compiles simd_other.go
// instead, where it is false.
var haveSIMD = cpuHasAVX2FMA()

// cpuHasAVX2FMA checks the CPUID feature bits (Intel SDM vol. 2A, CPUID:
// leaf 1 ECX bit 12 FMA, bit 27 OSXSAVE, bit 28 AVX; leaf 7 EBX bit 5
// AVX2) and, with XGETBV, that the OS saves the XMM and YMM state
// (XCR0 bits 1 and 2), as the Go runtime's internal/cpu does.
func cpuHasAVX2FMA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv0(); xcr0&6 != 6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0
}

// cpuid executes CPUID with EAX = leaf and ECX = sub.
func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

// xgetbv0 executes XGETBV with ECX = 0 (the XCR0 register).
func xgetbv0() (eax, edx uint32)

// The kernels below are the AVX2/FMA versions of the passes in radix.go
// and of the real-transform post- and pre-processing in plan.go; they
// compute the same formulas on two complex values per YMM register.

// radix4AVX2 is radix4 for an even stride s.
//
//go:noescape
func radix4AVX2(y, x, tw []complex128, m, s int)

// radix4s1AVX2 is radix4 for s = 1 and an even m >= 2, with the twiddles
// in the pair layout of stage.twv.
//
//go:noescape
func radix4s1AVX2(y, x, twv []complex128, m int)

// radix3AVX2 is radix3 for a stride s >= 2 (for an odd s, the last
// column q = s−1 with 128-bit instructions).
//
//go:noescape
func radix3AVX2(y, x, tw []complex128, m, s int, sin60 float64)

// radix5AVX2 is radix5 for a stride s >= 2 (the last column of an odd s
// as radix3AVX2); c holds c5a, c5b, s5a, s5b.
//
//go:noescape
func radix5AVX2(y, x, tw []complex128, m, s int, c *[4]float64)

// radix44AVX2 runs two successive radix-4 passes, (4, m, s) with twiddles
// twa and (4, m/4, 4s) with twb, in one sweep (s and m divisible by 4);
// buf is scratch of 64 values.
//
//go:noescape
func radix44AVX2(y, x, twa, twb, buf []complex128, m, s int)

// radix42AVX2 runs a radix-4 pass (4, m, s) with twiddles twa and the
// radix-2 pass (2, m/2, 4s) with twb in one sweep (even s and m).
//
//go:noescape
func radix42AVX2(y, x, twa, twb []complex128, m, s int)

// radix55AVX2 runs two radix-5 passes, (5, 5·mb, s) with the twiddles
// twf (stage.twf) and (5, mb, 5s) with twb, in one sweep (s divisible by
// 4); buf is scratch of 100 values; c as for radix5AVX2.
//
//go:noescape
func radix55AVX2(y, x, twf, twb, buf []complex128, mb, s int, c *[4]float64)

// radix33AVX2 runs two radix-3 passes, (3, 3·mb, s) with twiddles twa and
// (3, mb, 3s) with twb, in one sweep (even s); buf is scratch of 9 pairs
// of values (18).
//
//go:noescape
func radix33AVX2(y, x, twa, twb, buf []complex128, mb, s int, sin60 float64)

// radix55pAVX2 is radix55AVX2 for an even s, two columns at a time.
//
//go:noescape
func radix55pAVX2(y, x, twf, twb, buf []complex128, mb, s int, c *[4]float64)

// radix3s1AVX2 is radix3 for s = 1 along p, leaving the last block of an
// odd m to the caller.
//
//go:noescape
func radix3s1AVX2(y, x, tw []complex128, m int, sin60 float64)

// radix5s1AVX2 is radix5 for s = 1 along p, leaving the last block of an
// odd m to the caller.
//
//go:noescape
func radix5s1AVX2(y, x, tw []complex128, m int, c *[4]float64)

// radix2AVX2 is radix2 for an even stride s.
//
//go:noescape
func radix2AVX2(y, x, tw []complex128, m, s int)

// radix2s1AVX2 is radix2 for s = 1 along p, leaving the last block of an
// odd m to the caller.
//
//go:noescape
func radix2s1AVX2(y, x, tw []complex128, m int)

// realForwardAVX2 runs the loop of Plan.Forward's post-processing for
// k = 1 .. 2·pairs on z = dst[:h].
//
//go:noescape
func realForwardAVX2(z, tw []complex128, pairs int)

// realInverseAVX2 runs the loop of Plan.Inverse's pre-processing for
// k = 1 .. 2·pairs from src (len h+1) into z (len h), with the factor c.
//
//go:noescape
func realInverseAVX2(z, src, tw []complex128, c float64, pairs int)

// simdKernels reports whether this build has the assembly kernels.
const simdKernels = true
