/*
 * test_benchmath.c - make bench's arithmetic on inputs whose answers are
 * known by hand (bench/benchmath.c): Jain's fairness index with its
 * zeros, the starved clients, the least and most served, and the
 * machine's limit under work per line and the share of it reached.
 * Run: tests/bin/test_benchmath [test_name...]
 */
#include "testlib.h"
#include "bench/benchmath.h"

#include <math.h>

static int near(double a, double b) { return fabs(a - b) < 1e-9; }

static void jain_is_1_when_all_get_the_same(void)
{
    uint64_t x[] = {7, 7, 7, 7};
    CHECK(near(jain_index(x, 4), 1), "index %f, want 1", jain_index(x, 4));
}

/* One client of n served: 1/n. Half served equally: 1/2. */
static void jain_counts_the_starved_zeros(void)
{
    uint64_t one[64] = {500};
    uint64_t half[] = {10, 10, 0, 0};
    CHECK(near(jain_index(one, 64), 1.0 / 64), "one of 64 served: %f, want %f",
          jain_index(one, 64), 1.0 / 64);
    CHECK(near(jain_index(half, 4), 0.5), "half served: %f, want 0.5",
          jain_index(half, 4));
}

/* (1+2+3)^2 / (3 * (1+4+9)) = 36 / 42. */
static void jain_of_uneven_shares(void)
{
    uint64_t x[] = {1, 2, 3};
    CHECK(near(jain_index(x, 3), 36.0 / 42), "index %f, want %f",
          jain_index(x, 3), 36.0 / 42);
}

static void jain_is_undefined_when_nobody_got_anything(void)
{
    uint64_t x[] = {0, 0};
    CHECK(jain_index(x, 2) < 0, "all zero: %f, want -1", jain_index(x, 2));
    CHECK(jain_index(x, 0) < 0, "no clients: %f, want -1", jain_index(x, 0));
}

static void starved_least_and_most(void)
{
    uint64_t x[] = {5, 0, 9, 0, 0, 3};
    uint64_t least, most;
    least_most(x, 6, &least, &most);
    CHECK(count_starved(x, 6) == 3, "starved %zu, want 3", count_starved(x, 6));
    CHECK(least == 0 && most == 9, "least %llu most %llu, want 0 and 9",
          (unsigned long long)least, (unsigned long long)most);
    uint64_t y[] = {4, 8};
    least_most(y, 2, &least, &most);
    CHECK(count_starved(y, 2) == 0 && least == 4 && most == 8,
          "starved %zu least %llu most %llu, want 0, 4, 8", count_starved(y, 2),
          (unsigned long long)least, (unsigned long long)most);
}

/* 2 CPUs, echobench on 0.5 core, 200 us a line: 1.5 * 5000 = 7500 lines/s. */
static void the_limit_and_the_share_of_it(void)
{
    CHECK(near(work_limit(2, 0.5, 200), 7500), "limit %f, want 7500",
          work_limit(2, 0.5, 200));
    CHECK(near(share_of_limit(3750, 2, 0.5, 200), 0.5), "share %f, want 0.5",
          share_of_limit(3750, 2, 0.5, 200));
    CHECK(near(work_limit(4, 0, 1000), 4000), "limit %f, want 4000",
          work_limit(4, 0, 1000));
}

static void no_limit_without_work_or_a_core_left(void)
{
    CHECK(work_limit(2, 0.1, 0) < 0, "no work: %f, want -1", work_limit(2, 0.1, 0));
    CHECK(work_limit(1, 1.0, 200) < 0, "no core left: %f, want -1",
          work_limit(1, 1.0, 200));
    CHECK(share_of_limit(100, 1, 1.0, 200) < 0, "share without a limit: %f",
          share_of_limit(100, 1, 1.0, 200));
}

static const test_t tests[] = {
    TEST(jain_is_1_when_all_get_the_same),
    TEST(jain_counts_the_starved_zeros),
    TEST(jain_of_uneven_shares),
    TEST(jain_is_undefined_when_nobody_got_anything),
    TEST(starved_least_and_most),
    TEST(the_limit_and_the_share_of_it),
    TEST(no_limit_without_work_or_a_core_left),
};

int main(int argc, char **argv)
{
    return run_tests("benchmath", tests, sizeof(tests) / sizeof(tests[0]),
                     argc, argv);
}
