/*
 * zipstore - writes and reads the zip files Gradescope takes, with no zip
 * program on the machine (a C compiler, make and a shell are all a user
 * of this suite needs):
 *   zipstore -c ZIP FILE...   stores each FILE, under the relative path
 *                             given, with its Unix mode (run_autograder
 *                             stays executable) and a fixed date, so that
 *                             the same files make the same zip
 *   zipstore -x ZIP DIR       extracts such a zip into DIR, checking each
 *                             entry's CRC-32 (the test unpacks the zip as
 *                             Gradescope would)
 * Entries are stored, not compressed: the sources are small. Only what
 * -c writes is read back (stored, no data descriptor, no zip64).
 * Exit status: 0 done, 1 an I/O error or a bad zip, 2 a usage error.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DOS_DATE ((2020 - 1980) << 9 | 1 << 5 | 1) /* 2020-01-01 00:00 */
#define MAX_ENTRIES 4096

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n-- > 0)
        c = crc_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static void die(const char *what, const char *name)
{
    fprintf(stderr, "zipstore: %s: %s\n", name, what);
    exit(1);
}

/* The whole file, malloc'd; *n its size. */
static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t cap = 0;

    if (f == NULL)
        die(strerror(errno), path);
    *n = 0;
    for (;;) {
        if (*n == cap && (buf = realloc(buf, cap = cap * 2 + 65536)) == NULL)
            die("out of memory", path);
        size_t got = fread(buf + *n, 1, cap - *n, f);
        *n += got;
        if (got == 0)
            break;
    }
    if (ferror(f))
        die("read error", path);
    fclose(f);
    return buf;
}

/* Little-endian fields, as zip has them. */
static void put16(unsigned char *p, unsigned v) { p[0] = v & 0xFF, p[1] = v >> 8 & 0xFF; }
static void put32(unsigned char *p, uint32_t v) { put16(p, v & 0xFFFF), put16(p + 2, v >> 16); }
static unsigned get16(const unsigned char *p) { return p[0] | (unsigned)p[1] << 8; }
static uint32_t get32(const unsigned char *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }

/* A path that stays inside the folder it is extracted into. */
static int safe_name(const char *name)
{
    return name[0] != '\0' && name[0] != '/' && strstr(name, "..") == NULL;
}

typedef struct {
    const char *name;
    uint32_t crc, size, offset, mode;
} entry_t;

/* The fields local and central headers share, from "version needed" on. */
static void common_fields(unsigned char *p, const entry_t *e)
{
    put16(p, 10);          /* version needed: 1.0, stored */
    put16(p + 2, 0);       /* flags */
    put16(p + 4, 0);       /* method: stored */
    put16(p + 6, 0);       /* time */
    put16(p + 8, DOS_DATE);
    put32(p + 10, e->crc);
    put32(p + 14, e->size); /* compressed size: the same */
    put32(p + 18, e->size);
    put16(p + 22, (unsigned)strlen(e->name));
    put16(p + 24, 0);      /* extra field length */
}

static void write_or_die(const void *p, size_t n, FILE *f, const char *zip)
{
    if (fwrite(p, 1, n, f) != n)
        die("write error", zip);
}

static int create(const char *zip, char **files, int n)
{
    static entry_t e[MAX_ENTRIES];
    unsigned char h[46];
    uint32_t off = 0, central;
    FILE *f = fopen(zip, "wb");

    if (f == NULL)
        die(strerror(errno), zip);
    if (n > MAX_ENTRIES)
        die("too many files", zip);
    for (int i = 0; i < n; i++) {
        struct stat st;
        size_t size;
        unsigned char *data = slurp(files[i], &size);
        if (!safe_name(files[i]) || stat(files[i], &st) < 0)
            die("want an existing file under a relative path", files[i]);
        e[i] = (entry_t){ files[i], crc32_of(data, size), (uint32_t)size, off,
                          (uint32_t)st.st_mode };
        put32(h, 0x04034b50);
        common_fields(h + 4, &e[i]);
        write_or_die(h, 30, f, zip);
        write_or_die(e[i].name, strlen(e[i].name), f, zip);
        write_or_die(data, size, f, zip);
        off += 30 + (uint32_t)strlen(e[i].name) + (uint32_t)size;
        free(data);
    }
    central = off;
    for (int i = 0; i < n; i++) {
        put32(h, 0x02014b50);
        put16(h + 4, 3 << 8 | 20); /* made by Unix: the mode below counts */
        common_fields(h + 6, &e[i]);
        put16(h + 32, 0), put16(h + 34, 0), put16(h + 36, 0);
        put32(h + 38, e[i].mode << 16);
        put32(h + 42, e[i].offset);
        write_or_die(h, 46, f, zip);
        write_or_die(e[i].name, strlen(e[i].name), f, zip);
        off += 46 + (uint32_t)strlen(e[i].name);
    }
    memset(h, 0, 22);
    put32(h, 0x06054b50);
    put16(h + 8, (unsigned)n), put16(h + 10, (unsigned)n);
    put32(h + 12, off - central), put32(h + 16, central);
    write_or_die(h, 22, f, zip);
    if (fclose(f) != 0)
        die("write error", zip);
    return 0;
}

/* Makes every folder on the way to path (a file's path). */
static void make_parents(char *path)
{
    for (char *s = strchr(path + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
        *s = '\0';
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
            die(strerror(errno), path);
        *s = '/';
    }
}

/* One central entry at p (within z of n bytes) into dir; its length. */
static size_t extract_one(const unsigned char *z, size_t n, const unsigned char *p,
                          const char *dir, const char *zip)
{
    unsigned namelen = get16(p + 28);
    size_t skip = 46 + namelen + get16(p + 30) + get16(p + 32);
    uint32_t crc = get32(p + 16), size = get32(p + 24), off = get32(p + 42);
    char path[4096];

    if (get32(p) != 0x02014b50 || get16(p + 10) != 0 || get32(p + 20) != size)
        die("an entry is not stored as zipstore -c stores it", zip);
    int w = snprintf(path, sizeof(path), "%s/%.*s", dir, (int)namelen,
                     (const char *)p + 46);
    if (w < 0 || (size_t)w >= sizeof(path) || !safe_name(path + strlen(dir) + 1))
        die("an entry's name is unsafe or too long", zip);
    const unsigned char *local = z + off;
    if ((size_t)off + 30 > n || get32(local) != 0x04034b50)
        die("a local header is missing", zip);
    const unsigned char *data = local + 30 + get16(local + 26) + get16(local + 28);
    if ((size_t)(data - z) + size > n || crc32_of(data, size) != crc)
        die("an entry's CRC-32 does not match its bytes", path);
    make_parents(path);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        die("cannot write", path);
    if ((get16(p + 4) >> 8) == 3 && (get32(p + 38) >> 16) != 0)
        chmod(path, (get32(p + 38) >> 16) & 07777);
    return skip;
}

static int extract(const char *zip, const char *dir)
{
    size_t n;
    unsigned char *z = slurp(zip, &n);

    if (n < 22 || get32(z + n - 22) != 0x06054b50)
        die("no end of central directory (not a zip, or one with a comment)", zip);
    const unsigned char *end = z + n - 22;
    unsigned count = get16(end + 10);
    uint32_t at = get32(end + 16);
    for (unsigned i = 0; i < count; i++) {
        if ((size_t)at + 46 > n)
            die("the central directory is cut short", zip);
        at += (uint32_t)extract_one(z, n, z + at, dir, zip);
    }
    free(z);
    return 0;
}

int main(int argc, char **argv)
{
    crc_init();
    if (argc >= 3 && strcmp(argv[1], "-c") == 0)
        return create(argv[2], argv + 3, argc - 3);
    if (argc == 4 && strcmp(argv[1], "-x") == 0)
        return extract(argv[2], argv[3]);
    int help = argc == 2 && (strcmp(argv[1], "-h") == 0 ||
                             strcmp(argv[1], "--help") == 0);
    fprintf(help ? stdout : stderr,
            "usage: zipstore -c ZIP FILE... | zipstore -x ZIP DIR\n");
    return help ? 0 : 2;
}
