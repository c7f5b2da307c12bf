package fft

// CPlan computes complex FFTs of one length n. Lengths whose prime factors
// are all at most 31 use a mixed-radix (4, 2, 3, 5 and direct odd radices)
// self-sorting Stockham transform with precomputed twiddles; other lengths
// use Bluestein's chirp-z algorithm over a power-of-two transform, so every
// length costs O(n log n). With AVX2 and FMA the passes run as the
// assembly kernels of simd_amd64.s (see the package documentation).
//
// A CPlan holds all its scratch and belongs to one goroutine: Forward and
// Inverse do not allocate, and must not be called concurrently on the same
// plan. Make one plan per worker.
type CPlan struct {
	n      int
	stages []stage
	// passes lists the sweeps over the data: each is the index of a stage
	// run alone, or of the first of two stages run together by radix44AVX2,
	// radix42AVX2, radix33AVX2 or radix55AVX2 (stage.fused).
	passes []int
	// buf is the scratch of radix44AVX2, radix33AVX2 and radix55AVX2.
	buf []complex128
	// work0 and work1 are the ping-pong buffers of the passes (len n).
	work0, work1 []complex128
	blue         *bluestein
}

// NewCPlan returns a plan for complex transforms of length n (n >= 1).
// It panics if n < 1.
func NewCPlan(n int) *CPlan {
	if n < 1 {
		panic("fft: NewCPlan length < 1")
	}
	return newCPlan(n, true, haveSIMD)
}

// newCPlan builds the plan; inPlace says whether to allocate the second
// scratch buffer that only in-place (dst == src) transforms use (a real
// Plan of even length never transforms in place and saves it), and simd
// whether to use the AVX2 kernels (haveSIMD; false in the tests of the
// pure-Go passes).
func newCPlan(n int, inPlace, simd bool) *CPlan {
	p := &CPlan{n: n}
	radices, ok := factorize(n)
	if !ok {
		p.blue = newBluestein(n, simd)
		return p
	}
	s := 1
	for _, r := range radices {
		m := n / (s * r)
		p.stages = append(p.stages, newStage(r, m, s, simd))
		s *= r
	}
	for i := 0; i < len(p.stages); i++ {
		p.passes = append(p.passes, i)
		if i+1 < len(p.stages) && fusable(&p.stages[i], &p.stages[i+1]) {
			a := &p.stages[i]
			a.fused = true
			switch p.stages[i+1].r {
			case 4:
				p.buf = make([]complex128, max(len(p.buf), 64))
			case 3:
				p.buf = make([]complex128, max(len(p.buf), 18))
			case 5:
				p.buf = make([]complex128, max(len(p.buf), 100))
				mb := a.m / 5
				a.twf = make([]complex128, 0, len(a.tw))
				for pb := range mb {
					for k := range 5 {
						q := pb + k*mb
						a.twf = append(a.twf, a.tw[4*q:4*q+4]...)
					}
				}
			}
			i++
		}
	}
	if len(p.stages) > 0 {
		p.work0 = make([]complex128, n)
	}
	if len(p.passes) > 1 && inPlace {
		p.work1 = make([]complex128, n)
	}
	return p
}

// Len returns the transform length n.
func (p *CPlan) Len() int { return p.n }

// Forward computes the unnormalised forward transform
// dst[k] = Σ_j src[j]·exp(−2πi·jk/n), k = 0..n−1 (numpy.fft.fft).
// dst and src must both have length n; they may be the same slice (an
// in-place transform) but must not otherwise overlap. It panics if the
// lengths are wrong.
func (p *CPlan) Forward(dst, src []complex128) {
	if len(dst) != p.n || len(src) != p.n {
		panic("fft: CPlan.Forward length mismatch")
	}
	p.forward(dst, src)
}

// Inverse computes the inverse transform including the 1/n factor,
// dst[j] = (1/n)·Σ_k src[k]·exp(+2πi·jk/n) (numpy.fft.ifft), so that
// Inverse(Forward(x)) = x up to rounding. dst and src must both have
// length n; they may be the same slice but must not otherwise overlap.
// It panics if the lengths are wrong.
func (p *CPlan) Inverse(dst, src []complex128) {
	if len(dst) != p.n || len(src) != p.n {
		panic("fft: CPlan.Inverse length mismatch")
	}
	if p.blue != nil {
		p.blue.transform(dst, src, true)
		scaleSlice(1/float64(p.n), dst)
		return
	}
	p.forward(dst, src)
	// IDFT(x)_j = DFT(x)_(−j mod n)/n: reverse dst[1:] while scaling.
	n, s := p.n, 1/float64(p.n)
	dst[0] = scale(s, dst[0])
	for j := 1; j <= n/2; j++ {
		dst[j], dst[n-j] = scale(s, dst[n-j]), scale(s, dst[j])
	}
}

// fusable reports whether the passes a and b (the next one) can run as
// one sweep of radix44AVX2: both radix 4 with the AVX2 kernels, and a
// stride divisible by 4. Two passes in one sweep halve the memory traffic,
// which bounds the large transforms (measured in thread CPU time on the busy benchmark
// machine, real forward: n = 262144 1.40 → 1.03 ms, 1048576 7.0 → 4.6 ms;
// 65536 130 → 121 µs).
//
// A radix-4 pass followed by the radix-2 pass (the last one of lengths
// 4^k·2) runs as one sweep of radix42AVX2 (even stride).
//
// Two radix-5 passes run as one sweep of radix55AVX2 (stride divisible by
// 4; radix55pAVX2 for other even strides), two radix-3 passes as one of
// radix33AVX2 (even stride).
func fusable(a, b *stage) bool {
	switch {
	case !a.simd || !b.simd:
		return false
	case a.r == 4 && b.r == 4:
		return a.s%4 == 0
	case a.r == 4 && b.r == 2:
		return a.s%2 == 0
	case a.r == 5 && b.r == 5:
		return a.s%2 == 0
	case a.r == 3 && b.r == 3:
		return a.s%2 == 0
	}
	return false
}

func scaleSlice(s float64, x []complex128) {
	for i, v := range x {
		x[i] = scale(s, v)
	}
}

// forward is the unnormalised forward transform; dst may alias src.
func (p *CPlan) forward(dst, src []complex128) {
	if p.blue != nil {
		p.blue.transform(dst, src, false)
		return
	}
	ns := len(p.passes)
	if ns == 0 { // n == 1
		dst[0] = src[0]
		return
	}
	aliased := &dst[0] == &src[0]
	if aliased && p.work1 == nil && ns > 1 {
		// Only an internal plan built without inPlace gets here.
		p.work1 = make([]complex128, p.n)
	}
	in := src
	if ns == 1 && aliased {
		copy(p.work0, src)
		in = p.work0
	}
	for i, si := range p.passes {
		var out []complex128
		switch {
		case i == ns-1:
			out = dst
		case aliased:
			// Never write into src before the first pass has read it.
			if i%2 == 0 {
				out = p.work0
			} else {
				out = p.work1
			}
		default:
			// dst serves as the second ping-pong buffer; the parity is
			// chosen so that the last pass lands in dst.
			if (ns-1-i)%2 == 0 {
				out = dst
			} else {
				out = p.work0
			}
		}
		if st := &p.stages[si]; st.fused {
			switch next := &p.stages[si+1]; next.r {
			case 4:
				radix44AVX2(out, in, st.tw, next.tw, p.buf, st.m, st.s)
			case 2:
				radix42AVX2(out, in, st.tw, next.tw, st.m, st.s)
			case 3:
				radix33AVX2(out, in, st.tw, next.tw, p.buf, st.m/3, st.s, sin60)
			case 5:
				if st.s%4 == 0 {
					radix55AVX2(out, in, st.twf, next.tw, p.buf, st.m/5, st.s, &radix5Consts)
				} else {
					radix55pAVX2(out, in, st.twf, next.tw, p.buf, st.m/5, st.s, &radix5Consts)
				}
			}
		} else {
			st.run(out, in)
		}
		in = out
	}
}
