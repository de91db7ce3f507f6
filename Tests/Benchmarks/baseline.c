/*
 * The "hardware baseline" for Tests/Benchmarks/compare.sh: a plain scalar Black-Scholes price and
 * five Greeks, textbook formulas, N(x) = erfc(-x/sqrt 2)/2, one option at a time, compiled with
 * `cc -O2` (no -ffast-math, no vector math library), so it is what a careful C programmer gets
 * without special effort.
 *
 *   baseline FILE [--values OUT] [--repetitions N]
 *
 * FILE is `pooldesk greeks` CSV with the header type,spot,strike,t,vol,rate in that order.
 * Prints one JSON object {"options":n,"nsPerOption":x} (best of N timed passes over the whole
 * file, parsing excluded). --values writes price,delta,gamma,vega,theta,rho per line in raw
 * units: vega and rho per 1.00, theta = -dV/dT per year (the calendar decay, negative for a long
 * option), exactly PoolDesk's raw units.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double norm_cdf(double x) { return 0.5 * erfc(-x * 0.70710678118654752440); }

typedef struct {
    size_t count;
    int *is_call;
    double *spot, *strike, *time, *vol, *rate;
    double *price, *delta, *gamma, *vega, *theta, *rho;
} Book;

/* noinline: called once per timed pass, so it costs nothing, and profilers see the kernel on its own. */
__attribute__((noinline)) static void value_all(Book *b) {
    const double inv_sqrt_2pi = 0.39894228040143267794;
    for (size_t i = 0; i < b->count; i++) {
        double s = b->spot[i], k = b->strike[i], t = b->time[i], v = b->vol[i], r = b->rate[i];
        double sqrt_t = sqrt(t);
        double vol_sqrt_t = v * sqrt_t;
        double d1 = (log(s / k) + (r + 0.5 * v * v) * t) / vol_sqrt_t;
        double d2 = d1 - vol_sqrt_t;
        double discount = exp(-r * t);
        double pdf = inv_sqrt_2pi * exp(-0.5 * d1 * d1);
        double decay = -s * pdf * v / (2 * sqrt_t);
        if (b->is_call[i]) {
            double nd1 = norm_cdf(d1), nd2 = norm_cdf(d2);
            b->price[i] = s * nd1 - k * discount * nd2;
            b->delta[i] = nd1;
            b->theta[i] = decay - r * k * discount * nd2;
            b->rho[i] = k * t * discount * nd2;
        } else {
            double nmd1 = norm_cdf(-d1), nmd2 = norm_cdf(-d2);
            b->price[i] = k * discount * nmd2 - s * nmd1;
            b->delta[i] = -nmd1;
            b->theta[i] = decay + r * k * discount * nmd2;
            b->rho[i] = -k * t * discount * nmd2;
        }
        b->gamma[i] = pdf / (s * vol_sqrt_t);
        b->vega[i] = s * pdf * sqrt_t;
    }
}

static double *column(size_t n) {
    double *p = calloc(n ? n : 1, sizeof(double));
    if (!p) { fprintf(stderr, "baseline: out of memory\n"); exit(1); }
    return p;
}

int main(int argc, char **argv) {
    const char *path = NULL, *values = NULL;
    int repetitions = 5;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--values") && i + 1 < argc) values = argv[++i];
        else if (!strcmp(argv[i], "--repetitions") && i + 1 < argc) repetitions = atoi(argv[++i]);
        else if (!path) path = argv[i];
        else { fprintf(stderr, "baseline: unexpected argument %s\n", argv[i]); return 2; }
    }
    if (!path || repetitions <= 0) { fprintf(stderr, "usage: baseline FILE [--values OUT] [--repetitions N]\n"); return 2; }
    FILE *in = fopen(path, "r");
    if (!in) { perror(path); return 2; }

    size_t capacity = 1024;
    Book b = {0};
    b.is_call = malloc(capacity * sizeof(int));
    double **inputs[] = {&b.spot, &b.strike, &b.time, &b.vol, &b.rate};
    for (int c = 0; c < 5; c++) *inputs[c] = malloc(capacity * sizeof(double));
    char line[512];
    if (!fgets(line, sizeof line, in) || strncmp(line, "type,spot,strike,t,vol,rate", 27) != 0) {
        fprintf(stderr, "baseline: %s: expected the header type,spot,strike,t,vol,rate\n", path);
        return 2;
    }
    size_t line_number = 1;
    while (fgets(line, sizeof line, in)) {
        line_number++;
        if (line[0] == '\n' || line[0] == '\r' || line[0] == 0) continue;
        if (b.count == capacity) {
            capacity *= 2;
            b.is_call = realloc(b.is_call, capacity * sizeof(int));
            for (int c = 0; c < 5; c++) *inputs[c] = realloc(*inputs[c], capacity * sizeof(double));
            if (!b.is_call || !b.spot || !b.strike || !b.time || !b.vol || !b.rate) { fprintf(stderr, "baseline: out of memory\n"); return 1; }
        }
        char *cursor = strchr(line, ',');
        if (!cursor) { fprintf(stderr, "baseline: line %zu: too few fields\n", line_number); return 2; }
        b.is_call[b.count] = line[0] == 'c' || line[0] == 'C';
        for (int c = 0; c < 5; c++) {
            char *end;
            (*inputs[c])[b.count] = strtod(cursor + 1, &end);
            if (end == cursor + 1) { fprintf(stderr, "baseline: line %zu: bad number\n", line_number); return 2; }
            cursor = end;
        }
        b.count++;
    }
    fclose(in);
    b.price = column(b.count); b.delta = column(b.count); b.gamma = column(b.count);
    b.vega = column(b.count); b.theta = column(b.count); b.rho = column(b.count);

    double best = INFINITY, checksum = 0;
    for (int r = 0; r < repetitions; r++) {
        double start = now_ns();
        value_all(&b);
        double elapsed = now_ns() - start;
        checksum += b.price[0] + b.rho[b.count ? b.count - 1 : 0];
        if (elapsed < best) best = elapsed;
    }
    printf("{\"options\":%zu,\"nsPerOption\":%.4f,\"checksum\":%.17g}\n", b.count, best / (double)(b.count ? b.count : 1), checksum);

    if (values) {
        FILE *out = fopen(values, "w");
        if (!out) { perror(values); return 2; }
        fputs("price,delta,gamma,vega,theta,rho\n", out);
        for (size_t i = 0; i < b.count; i++)
            fprintf(out, "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", b.price[i], b.delta[i], b.gamma[i], b.vega[i], b.theta[i], b.rho[i]);
        fclose(out);
    }
    return 0;
}
