/*
 * Times one feature step of windpm in C with FFTW, the peer of
 * BenchmarkFeatureStep in fft/step_bench_test.go (issue #5): for one
 * capture of 256,000 samples at 25.6 kHz,
 *
 *   1. time-domain statistics (features.TimeDomain: mean, extremes, then
 *      central moments, peak, mean |x−μ| and mean √|x−μ|, and the ratios);
 *   2. the Welch PSD (fft.Welch defaults = scipy.signal.welch: periodic
 *      Hann, 25,600-sample segments, 50 % overlap, constant detrend,
 *      density, mean of the 19 segments);
 *   3. the envelope spectrum (fft.Envelope.Spectrum with the band of
 *      features.DefaultEnvelopeBand, 3.2–9.6 kHz): order-4 Butterworth
 *      band-pass applied like scipy.signal.sosfiltfilt (odd padding of 27
 *      samples, sosfilt_zi initial conditions), the analytic-signal
 *      modulus through r2c and c2r transforms of 256,000 points, the mean
 *      removed, a periodic Hann window and the peak-scaled amplitude
 *      spectrum of a third 256,000-point r2c transform.
 *
 * Every plan is made once with FFTW_MEASURE before the timing, as windpm
 * makes its plans once per worker. The signal is the same as the Go
 * benchmark's (stepSignal): two tones, a modulated 4 kHz carrier and
 * splitmix64 noise.
 *
 * Build and run (Debian: apt-get install -y libfftw3-dev):
 *
 *     cc -O2 -o /tmp/fft_step_fftw bench/fft_step_fftw.c -lfftw3 -lm
 *     /tmp/fft_step_fftw [repeat]     # a line in Go benchmark format
 *     /tmp/fft_step_fftw --dump FILE  # the results, for TestFeatureStepAgainstC
 *
 * FFTW_WISDOM, if set, names a wisdom file read before planning and
 * written at the end, as in fft_fftw.c.
 */
#include <fftw3.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N 256000
#define RATE 25600.0
#define SEG 25600
#define STEP 12800
#define NSEG ((N - SEG) / STEP + 1)
#define NSOS 4
#define EDGE 27 /* 3·(2·NSOS + 1): no section has b2 = 0 or a2 = 0 */

/* fft.Butterworth(4, Bandpass, {3200, 9600}, 25600), printed with %.17g:
 * scipy.signal.butter(4, [3200, 9600], 'bandpass', fs=25600, output='sos')
 * (fft's tests check Butterworth against scipy to 1e-12). */
static const double sos[NSOS][6] = {
	{0.093980851433794491, 0.18796170286758898, 0.093980851433794491, 1, 0.63073348948610297, 0.19891236737965795},
	{1, -2, 1, 1, -0.6307334894861033, 0.19891236737965809},
	{1, -2, 1, 1, -1.1560092023157076, 0.66817863791929888},
	{1, 2, 1, 1, 1.1560092023157074, 0.66817863791929899},
};

struct stats {
	double mean, std, peak, p2p, crest, kurt, skew, meanabs, meansqrtabs, shape, impulse, clearance;
};

static double *x, *seg, *wseg, *psd, *ext, *env, *im, *wenv, *amp;
static fftw_complex *segspec, *spec;
static fftw_plan pseg, pfwd, pinv, pamp;
static double zi[2 * NSOS], st[2 * NSOS], psdscale, ampsum;

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static uint64_t splitmix(uint64_t *s) {
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* signal is stepSignal of fft/step_bench_test.go. */
static void signal(double *y) {
	uint64_t s = 20261124;
	for (int j = 0; j < N; j++) {
		double u = (double)(splitmix(&s) >> 11) * 0x1.0p-53;
		double a = 2 * M_PI * (double)((157L * j) % 25600) / RATE;
		double b = 2 * M_PI * (double)((4000L * j) % 25600) / RATE;
		double c = 2 * M_PI * (double)((75L * j) % 51200) / (2 * RATE);
		y[j] = 1.5 * sin(a) + 0.4 * sin(b) * (1 + cos(c)) + (u - 0.5);
	}
}

/* lfilter_zi of one section, as fft.lfilterZI (scipy's LU solve). */
static void lfilter_zi(const double *c, double *z0, double *z1) {
	double b0 = c[0], b1 = c[1], b2 = c[2], a1 = c[4], a2 = c[5];
	double r0 = b1 - a1 * b0, r1 = b2 - a2 * b0;
	double m00 = 1 + a1, m01 = -1, m10 = a2, m11 = 1, t;
	if (fabs(m10) > fabs(m00)) {
		t = m00, m00 = m10, m10 = t;
		t = m01, m01 = m11, m11 = t;
		t = r0, r0 = r1, r1 = t;
	}
	double l = m10 * (1 / m00);
	double u11 = m11 - l * m01, y1 = r1 - l * r0;
	*z1 = y1 / u11;
	*z0 = (r0 - m01 * *z1) / m00;
}

static void setup(unsigned flags) {
	x = fftw_alloc_real(N);
	seg = fftw_alloc_real(SEG);
	wseg = fftw_alloc_real(SEG);
	psd = fftw_alloc_real(SEG / 2 + 1);
	ext = fftw_alloc_real(N + 2 * EDGE);
	env = fftw_alloc_real(N);
	im = fftw_alloc_real(N);
	wenv = fftw_alloc_real(N);
	amp = fftw_alloc_real(N / 2 + 1);
	segspec = fftw_alloc_complex(SEG / 2 + 1);
	spec = fftw_alloc_complex(N / 2 + 1);
	pseg = fftw_plan_dft_r2c_1d(SEG, seg, segspec, flags);
	pfwd = fftw_plan_dft_r2c_1d(N, env, spec, flags);
	pinv = fftw_plan_dft_c2r_1d(N, spec, im, flags);
	pamp = fftw_plan_dft_r2c_1d(N, env, spec, flags);
	double s2 = 0;
	for (int i = 0; i < SEG; i++) {
		wseg[i] = 0.5 - 0.5 * cos(2 * M_PI * i / SEG);
		s2 += wseg[i] * wseg[i];
	}
	psdscale = 1 / (RATE * s2);
	ampsum = 0;
	for (int i = 0; i < N; i++) {
		wenv[i] = 0.5 - 0.5 * cos(2 * M_PI * i / N);
		ampsum += wenv[i];
	}
	double scale = 1;
	for (int j = 0; j < NSOS; j++) {
		double z0, z1;
		lfilter_zi(sos[j], &z0, &z1);
		zi[2 * j] = scale * z0;
		zi[2 * j + 1] = scale * z1;
		scale *= (sos[j][0] + sos[j][1] + sos[j][2]) / (sos[j][3] + sos[j][4] + sos[j][5]);
	}
	signal(x);
}

static struct stats time_domain(const double *y) {
	struct stats s = {0};
	double sum = 0, lo = y[0], hi = y[0];
	for (int i = 0; i < N; i++) {
		sum += y[i];
		if (y[i] < lo) lo = y[i];
		if (y[i] > hi) hi = y[i];
	}
	double mu = sum / N, m2 = 0, m3 = 0, m4 = 0, peak = 0, abs_ = 0, sqa = 0;
	for (int i = 0; i < N; i++) {
		double d = y[i] - mu, d2 = d * d, a = fabs(d);
		m2 += d2;
		m3 += d2 * d;
		m4 += d2 * d2;
		if (a > peak) peak = a;
		abs_ += a;
		sqa += sqrt(a);
	}
	m2 /= N, m3 /= N, m4 /= N;
	s.mean = mu;
	s.std = sqrt(m2);
	s.peak = peak;
	s.p2p = hi - lo;
	s.meanabs = abs_ / N;
	s.meansqrtabs = sqa / N;
	if (m2 > 0) {
		s.crest = peak / s.std;
		s.kurt = m4 / (m2 * m2);
		s.skew = m3 / pow(m2, 1.5);
		s.shape = s.std / s.meanabs;
		s.impulse = peak / s.meanabs;
		s.clearance = peak / (s.meansqrtabs * s.meansqrtabs);
	}
	return s;
}

static void welch(void) {
	memset(psd, 0, sizeof(double) * (SEG / 2 + 1));
	for (int s = 0; s < NSEG; s++) {
		const double *y = x + s * STEP;
		double mean = 0;
		for (int i = 0; i < SEG; i++) mean += y[i];
		mean /= SEG;
		for (int i = 0; i < SEG; i++) seg[i] = wseg[i] * (y[i] - mean);
		fftw_execute(pseg);
		for (int k = 0; k <= SEG / 2; k++) {
			double p = (segspec[k][0] * segspec[k][0] + segspec[k][1] * segspec[k][1]) * psdscale;
			if (k != 0 && k != SEG / 2) p *= 2;
			psd[k] += p;
		}
	}
	for (int k = 0; k <= SEG / 2; k++) psd[k] /= NSEG;
}

/* sosfilt over y in place with the state st (direct form II transposed). */
static void sosfilt(double *y, int n) {
	for (int i = 0; i < n; i++) {
		double xc = y[i];
		for (int j = 0; j < NSOS; j++) {
			const double *c = sos[j];
			double xn = c[0] * xc + st[2 * j];
			st[2 * j] = c[1] * xc - c[4] * xn + st[2 * j + 1];
			st[2 * j + 1] = c[2] * xc - c[5] * xn;
			xc = xn;
		}
		y[i] = xc;
	}
}

static void envelope_spectrum(void) {
	const int e = EDGE, m = N + 2 * EDGE;
	for (int i = 0; i < e; i++) ext[i] = 2 * x[0] - x[e - i];
	memcpy(ext + e, x, sizeof(double) * N);
	for (int i = 0; i < e; i++) ext[e + N + i] = 2 * x[N - 1] - x[N - 2 - i];
	for (int i = 0; i < 2 * NSOS; i++) st[i] = zi[i] * ext[0];
	sosfilt(ext, m);
	for (int i = 0, j = m - 1; i < j; i++, j--) {
		double t = ext[i];
		ext[i] = ext[j];
		ext[j] = t;
	}
	for (int i = 0; i < 2 * NSOS; i++) st[i] = zi[i] * ext[0];
	sosfilt(ext, m);
	for (int i = 0; i < N; i++) env[i] = ext[e + N - 1 - i];
	/* Hilbert transform: irfft of −i·X_k, 0 at DC and Nyquist. */
	fftw_execute(pfwd);
	spec[0][0] = spec[0][1] = 0;
	for (int k = 1; k < N / 2; k++) {
		double re = spec[k][0];
		spec[k][0] = spec[k][1];
		spec[k][1] = -re;
	}
	spec[N / 2][0] = spec[N / 2][1] = 0;
	fftw_execute(pinv);
	double sum = 0;
	for (int i = 0; i < N; i++) {
		env[i] = hypot(env[i], im[i] / N);
		sum += env[i];
	}
	double mean = sum / N;
	for (int i = 0; i < N; i++) env[i] = (env[i] - mean) * wenv[i];
	fftw_execute(pamp);
	double s = 1 / ampsum;
	for (int k = 0; k <= N / 2; k++) {
		double a = hypot(spec[k][0], spec[k][1]);
		amp[k] = (k == 0 || k == N / 2) ? a * s : a * 2 * s;
	}
}

static struct stats stats;

static void step(void) {
	stats = time_domain(x);
	welch();
	envelope_spectrum();
}

static int cmp(const void *a, const void *b) {
	double u = *(const double *)a, v = *(const double *)b;
	return (u > v) - (u < v);
}

int main(int argc, char **argv) {
	const char *wisdom = getenv("FFTW_WISDOM");
	if (wisdom && *wisdom) fftw_import_wisdom_from_filename(wisdom);
	int dump = argc > 2 && strcmp(argv[1], "--dump") == 0;
	/* The dump only checks the arithmetic: FFTW_ESTIMATE plans fast. */
	setup(dump ? FFTW_ESTIMATE : FFTW_MEASURE);
	if (wisdom && *wisdom) fftw_export_wisdom_to_filename(wisdom);
	if (dump) {
		step();
		FILE *f = fopen(argv[2], "w");
		if (!f) {
			perror(argv[2]);
			return 1;
		}
		fprintf(f, "stats %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g\n",
		        stats.mean, stats.std, stats.peak, stats.p2p, stats.crest, stats.kurt, stats.skew,
		        stats.meanabs, stats.meansqrtabs, stats.shape, stats.impulse, stats.clearance);
		fprintf(f, "psd");
		for (int k = 0; k <= SEG / 2; k++) fprintf(f, " %.17g", psd[k]);
		fprintf(f, "\nenv");
		for (int k = 0; k <= N / 2; k++) fprintf(f, " %.17g", amp[k]);
		fprintf(f, "\n");
		return fclose(f) != 0;
	}
	int repeat = argc > 1 ? atoi(argv[1]) : 5;
	if (repeat < 1) repeat = 1;
	step();
	long k = 1;
	for (;;) {
		double t0 = now();
		for (long i = 0; i < k; i++) step();
		double dt = now() - t0;
		if (dt >= 0.05) {
			k = (long)(k * 0.3 / dt);
			if (k < 1) k = 1;
			break;
		}
		k *= 2;
	}
	double *per = malloc(sizeof(double) * repeat);
	for (int r = 0; r < repeat; r++) {
		double t0 = now();
		for (long i = 0; i < k; i++) step();
		per[r] = (now() - t0) / k;
	}
	qsort(per, repeat, sizeof(double), cmp);
	double med = repeat % 2 ? per[repeat / 2] : 0.5 * (per[repeat / 2 - 1] + per[repeat / 2]);
	printf("BenchmarkFeatureStep/n=%d/lib=fftw \t%ld\t%.0f ns/op\n", N, k, med * 1e9);
	return 0;
}
