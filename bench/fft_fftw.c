/*
 * Times FFTW's real FFT (double precision, r2c forward and c2r inverse,
 * FFTW_MEASURE, plan reused, one thread) at the sizes of the Go benchmarks.
 *
 * Build and run (Debian: apt-get install -y libfftw3-dev):
 *
 *     cc -O2 -o /tmp/fft_fftw bench/fft_fftw.c -lfftw3 -lm
 *     /tmp/fft_fftw [repeat] [size...]
 *
 * If FFTW_WISDOM names a file, wisdom is read from it before planning and
 * written back at the end, so that later rounds skip the slow measuring.
 * FFTW_BENCH_SECONDS sets the length of one repeat (default 0.2 s; the
 * sweep of bench/fft.py --sweep uses less to fit hundreds of sizes).
 * FFTW_PLAN_SECONDS, if set, limits the planning of each plan
 * (fftw_set_timelimit: past it FFTW_MEASURE stops trying algorithms and
 * keeps the best found, so a plan may be slower than an unlimited one).
 *
 * For each size it executes the plan `number` times per repeat, with
 * `number` chosen so that one repeat lasts about 0.2 s (FFTW_BENCH_SECONDS),
 * and prints the median over repeats of the time per call in the Go
 * benchmark format (lib=fftw), so bench/fft.py and benchstat read it like
 * the Go results: wall time (ns/op) and the thread's CPU time
 * (cpu-ns/op, CLOCK_THREAD_CPUTIME_ID: the time the calls ran, which other
 * processes on a busy machine do not stretch).
 * The c2r plan uses FFTW_PRESERVE_INPUT so that every call sees the same
 * spectrum (c2r may otherwise overwrite its input).
 */
#include <fftw3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const int default_sizes[] = {4096, 8192, 16384, 32768, 65536, 131072, 262144,
                                    524288, 1048576, 120000, 243938, 256000, 262139};

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* cpu_now is the CPU time of this thread (the time it actually ran). */
static double cpu_now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* target is the length of one repeat in seconds (FFTW_BENCH_SECONDS). */
static double target = 0.2;

/* time_plan returns the median seconds per fftw_execute(p), sets *number
 * and *cpu, the median thread CPU seconds per call. */
static double time_plan(fftw_plan p, int repeat, long *number, double *cpu) {
	long k = 1;
	for (;;) {
		double t0 = now();
		for (long i = 0; i < k; i++) fftw_execute(p);
		double dt = now() - t0;
		if (dt >= target / 4 || k >= (1L << 24)) {
			k = (long)(k * target / (dt > 1e-9 ? dt : 1e-9));
			if (k < 1) k = 1;
			break;
		}
		k *= 4;
	}
	double *per = malloc(sizeof(double) * repeat);
	double *per_cpu = malloc(sizeof(double) * repeat);
	for (int r = 0; r < repeat; r++) {
		double t0 = now(), c0 = cpu_now();
		for (long i = 0; i < k; i++) fftw_execute(p);
		per[r] = (now() - t0) / k;
		per_cpu[r] = (cpu_now() - c0) / k;
	}
	qsort(per, repeat, sizeof(double), cmp);
	qsort(per_cpu, repeat, sizeof(double), cmp);
	double med = repeat % 2 ? per[repeat / 2] : 0.5 * (per[repeat / 2 - 1] + per[repeat / 2]);
	*cpu = repeat % 2 ? per_cpu[repeat / 2] : 0.5 * (per_cpu[repeat / 2 - 1] + per_cpu[repeat / 2]);
	free(per);
	free(per_cpu);
	*number = k;
	return med;
}

int main(int argc, char **argv) {
	int repeat = argc > 1 ? atoi(argv[1]) : 5;
	int nsizes = argc > 2 ? argc - 2 : (int)(sizeof default_sizes / sizeof default_sizes[0]);
	if (repeat < 1) repeat = 1;
	const char *secs = getenv("FFTW_BENCH_SECONDS");
	if (secs && atof(secs) > 0) target = atof(secs);
	const char *limit = getenv("FFTW_PLAN_SECONDS");
	if (limit && atof(limit) > 0) fftw_set_timelimit(atof(limit));
	const char *wisdom = getenv("FFTW_WISDOM");
	if (wisdom && *wisdom) fftw_import_wisdom_from_filename(wisdom);
	srand(1);
	for (int s = 0; s < nsizes; s++) {
		int n = argc > 2 ? atoi(argv[s + 2]) : default_sizes[s];
		double *x = fftw_alloc_real(n);
		fftw_complex *X = fftw_alloc_complex(n / 2 + 1);
		fftw_plan fwd = fftw_plan_dft_r2c_1d(n, x, X, FFTW_MEASURE);
		fftw_plan inv = fftw_plan_dft_c2r_1d(n, X, x, FFTW_MEASURE | FFTW_PRESERVE_INPUT);
		/* Planning with FFTW_MEASURE overwrites the arrays: fill after. */
		for (int i = 0; i < n; i++) x[i] = (double)rand() / RAND_MAX - 0.5;
		fftw_execute(fwd);
		long number;
		double cpu;
		double t = time_plan(fwd, repeat, &number, &cpu);
		printf("BenchmarkForward/n=%d/lib=fftw \t%ld\t%.0f ns/op\t%.0f cpu-ns/op\n", n, number, t * 1e9, cpu * 1e9);
		t = time_plan(inv, repeat, &number, &cpu);
		printf("BenchmarkInverse/n=%d/lib=fftw \t%ld\t%.0f ns/op\t%.0f cpu-ns/op\n", n, number, t * 1e9, cpu * 1e9);
		fflush(stdout);
		fftw_destroy_plan(fwd);
		fftw_destroy_plan(inv);
		fftw_free(x);
		fftw_free(X);
	}
	if (wisdom && *wisdom) fftw_export_wisdom_to_filename(wisdom);
	return 0;
}
