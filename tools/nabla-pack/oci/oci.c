/*
 * oci: writes an OCI image layout (image-spec 1.0) that holds a packed
 * executable and nothing else but its default disk images:
 *
 *   DIR/oci-layout, DIR/index.json (the image, tagged with
 *   org.opencontainers.image.ref.name), DIR/blobs/sha256/ (its manifest,
 *   config and one layer)
 *
 * The layer is a gzip-compressed ustar archive: /APPNAME (mode 0755), and
 * each --block:NAME=PATH default baked into APP whose PATH is relative,
 * copied from next to APP to the same relative place next to /APPNAME (mode
 * 0644, parent directories 0755). The stub resolves a relative default
 * against its own directory, so the image runs as it is. An absolute default
 * is not copied: it names a file of the machine the container runs on (a
 * volume); nor is a state:REL one: it lies in the state directory
 * ($STATE_DIRECTORY, else /var/lib/APPNAME), a volume too. The config's
 * entrypoint is ["/APPNAME"], with no Cmd and no shell: container arguments go
 * to the executable (its options, then the guest's arguments).
 *
 * The output depends on the inputs alone: entries sorted by name, owner
 * root:root (0:0), mtime 0, a gzip header without name or time (like
 * gzip -n), no creation time in the config unless SOURCE_DATE_EPOCH is set.
 * The tar and gzip writer is oci_layer.c; this file is the rest: what goes
 * into the layer, the JSON documents and the directory.
 *
 * The image is for APP's architecture (the config's "architecture" and the
 * platform of its descriptor: amd64 or arm64, from its e_machine). Given
 * two APPs, one per architecture, each gets its image (layer, config,
 * manifest) and the tag names an image index of their manifests, each
 * with its platform, in the order of the architectures' names: a
 * multi-architecture image, from which a container runtime takes its
 * machine's.
 *
 * DIR is created if needed. If it already is an OCI image layout, the image
 * is added to it: an image with the same tag is dropped from index.json (its
 * blobs stay), others are kept. Any other non-empty DIR is refused.
 */
#include "oci/oci.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "devopts.h"
#include "oci/oci_layer.h"
#include "read/arch.h"
#include "read/packed.h"
#include "sha256.h"
#include "util/cli.h"
#include "util/util.h"

#define MT_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_LAYER "application/vnd.oci.image.layer.v1.tar+gzip"
#define REF_NAME "org.opencontainers.image.ref.name"
#define OCI_LAYOUT "{\"imageLayoutVersion\":\"1.0.0\"}"

#define MAX_TAG 128

/* Writes a document built in b as DIR/blobs/sha256/<its digest>. */
static int write_blob(const char *blobs, const struct buf *b, struct digest *d,
                      char *err, size_t errsz)
{
    struct sha256 h;
    uint8_t sum[SHA256_DIGEST_SIZE];

    if (b->oom)
        return fail(err, errsz, "out of memory");
    sha256_init(&h);
    sha256_update(&h, b->data, b->len);
    sha256_final(&h, sum);
    sha256_hex(sum, d->hex);
    d->size = b->len;
    return atomic_write_file_in(blobs, d->hex, 0644, b->data, b->len, err,
                                errsz);
}

/* --- what goes into the layer --------------------------------------------- */

struct entry {
    char *name; /* in the archive: no leading '/', directories end in '/' */
    char *src;  /* host file of a disk image, else NULL */
    const char *opt; /* the default option it comes from, else NULL */
    dev_t dev;
    ino_t ino;
};

/* The entries are a struct buf of struct entry. */
static struct entry *entry_add(struct buf *es, const char *name, size_t len)
{
    struct entry e = {.name = strndup(name, len)};
    if (e.name == NULL || buf_append(es, &e, sizeof(e)) != 0) {
        free(e.name);
        return NULL;
    }
    return (struct entry *)(es->data + es->len) - 1;
}

static void entries_free(struct buf *es)
{
    struct entry *v = (struct entry *)es->data;
    for (size_t i = 0; i < es->len / sizeof(*v); i++) {
        free(v[i].name);
        free(v[i].src);
    }
    free(es->data);
}

/* By name; for one name, the executable first, then by option. */
static int entry_cmp(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c != 0 || x->opt == y->opt)
        return c;
    if (x->opt == NULL || y->opt == NULL)
        return x->opt == NULL ? -1 : 1;
    return strcmp(x->opt, y->opt);
}

static int is_dir(const struct entry *e)
{
    size_t n = strlen(e->name);
    return n > 0 && e->name[n - 1] == '/';
}

/*
 * Where a relative default path lands in the image: "./a//b/../c" -> "a/c".
 * A ".." above the top stays at the top, as the kernel resolves "/.." to "/"
 * (the executable is in "/"). Empty if nothing is left.
 */
static char *image_path(const char *path)
{
    char *out = malloc(strlen(path) + 1);
    size_t n = 0;
    if (out == NULL)
        return NULL;
    for (const char *p = path; *p;) {
        const char *end = strchrnul(p, '/');
        size_t k = (size_t)(end - p);
        if (k == 2 && p[0] == '.' && p[1] == '.') {
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0)
                n--;
        } else if (k > 0 && !(k == 1 && p[0] == '.')) {
            if (n > 0)
                out[n++] = '/';
            memcpy(out + n, p, k);
            n += k;
        }
        p = *end ? end + 1 : end;
    }
    out[n] = '\0';
    return out;
}

/* A relative --block default of APP, as a layer entry (and its parents). */
static int add_disk(struct buf *es, const char *app_dir, const char *app,
                    const char *opt, const char *value, char *err, size_t errsz)
{
    struct stat st;
    size_t len = strlen(value);

    if (len == 0 || value[len - 1] == '/')
        return fail(err, errsz, "%s: default %s does not name a file", app,
                    opt);
    char *name = image_path(value);
    if (name == NULL)
        return fail(err, errsz, "out of memory");
    if (name[0] == '\0') {
        free(name);
        return fail(err, errsz, "%s: default %s does not name a file", app,
                    opt);
    }
    for (char *s = strchr(name, '/'); s != NULL; s = strchr(s + 1, '/')) {
        if (entry_add(es, name, (size_t)(s - name) + 1) == NULL) {
            free(name);
            return fail(err, errsz, "out of memory");
        }
    }
    struct entry *e = entry_add(es, name, strlen(name));
    free(name);
    if (e == NULL || (e->src = path_join(app_dir, value)) == NULL)
        return fail(err, errsz, "out of memory");
    e->opt = opt;
    if (stat(e->src, &st) != 0)
        return fail(err, errsz, "%s: default disk image %s (%s): %s", app,
                    e->src, opt, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(err, errsz,
                    "%s: default disk image %s (%s): not a regular file", app,
                    e->src, opt);
    e->dev = st.st_dev;
    e->ino = st.st_ino;
    return 0;
}

/* Sorts, drops duplicates, refuses two different things at one place. */
static int entries_check(struct buf *es, const char *app, char *err,
                         size_t errsz)
{
    struct entry *v = (struct entry *)es->data;
    size_t count = es->len / sizeof(*v), n = 0;

    qsort(v, count, sizeof(*v), entry_cmp);
    for (size_t i = 0; i < count; i++) {
        struct entry *e = &v[i];
        if (n > 0 && strcmp(v[n - 1].name, e->name) == 0) {
            struct entry *prev = &v[n - 1];
            int same =
                is_dir(e) || (prev->src != NULL && e->src != NULL &&
                              prev->dev == e->dev && prev->ino == e->ino);
            if (!same)
                return fail(err, errsz,
                            "%s: %s would be /%s in the image, which %s "
                            "already is",
                            app, e->opt, e->name,
                            prev->opt ? prev->opt : "the executable");
            free(e->name);
            free(e->src);
            continue;
        }
        v[n++] = *e;
    }
    es->len = n * sizeof(*v);
    /* A file and a directory of the same name: "a" sorts before "a/". */
    for (size_t i = 0; i < n; i++) {
        const struct entry *e = &v[i];
        size_t len = strlen(e->name);
        if (is_dir(e))
            continue;
        for (size_t j = i + 1; j < n; j++) {
            const char *d = v[j].name;
            if (strncmp(d, e->name, len) != 0)
                break;
            if (strcmp(d + len, "/") == 0)
                return fail(err, errsz,
                            "%s: /%s would be both a file (%s) and a "
                            "directory in the image",
                            app, e->name, e->opt ? e->opt : "the executable");
        }
    }
    return 0;
}

/* The layer: the entries in order, APP's executable from memory. */
static int write_layer(const char *blobs, const struct buf *es,
                       const struct packed *pk, struct digest *blob,
                       struct digest *diff, char *err, size_t errsz)
{
    const struct entry *v = (const struct entry *)es->data;
    struct layer *l = layer_open(blobs, err, errsz);
    int rc = l ? 0 : -1;

    for (size_t i = 0; rc == 0 && i < es->len / sizeof(*v); i++) {
        if (is_dir(&v[i]))
            rc = layer_dir(l, v[i].name);
        else if (v[i].src != NULL)
            rc = layer_copy(l, v[i].name, 0644, v[i].src);
        else
            rc = layer_file(l, v[i].name, 0755, pk->img.data, pk->img.size);
    }
    if (rc != 0) {
        if (l != NULL)
            layer_abort(l);
        return -1;
    }
    return layer_close(l, blob, diff);
}

/* --- the output directory ------------------------------------------------- */

/* 1: DIR is an image layout already, 0: it is new or empty, -1: error. */
static int prepare_dir(const char *dir, char *err, size_t errsz)
{
    if (mkdir(dir, 0755) == 0)
        return 0;
    if (errno != EEXIST)
        return fail(err, errsz, "%s: cannot create: %s", dir, strerror(errno));
    DIR *d = opendir(dir);
    if (d == NULL)
        return fail(err, errsz, "%s: cannot open: %s", dir, strerror(errno));
    int layout = 0, other = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, "oci-layout") == 0)
            layout = 1;
        else if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            other = 1;
    }
    closedir(d);
    if (other && !layout)
        return fail(err, errsz,
                    "%s: exists and is neither empty nor an OCI image "
                    "layout",
                    dir);
    return layout;
}

static int make_dir(const char *path, char *err, size_t errsz)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return fail(err, errsz, "%s: cannot create: %s", path, strerror(errno));
    return 0;
}

/* The manifests of an existing index.json, but the one tagged tag. */
static int kept_manifests(const char *dir, const char *tag, struct buf *out,
                          char *err, size_t errsz)
{
    char *path = path_join(dir, "index.json");
    if (path == NULL)
        return fail(err, errsz, "out of memory");
    if (access(path, F_OK) != 0) {
        free(path);
        return 0;
    }
    json_object *index = json_object_from_file(path), *list, *ann, *ref;
    int rc = 0;
    if (index == NULL)
        rc = fail(err, errsz, "%s: cannot read: %s", path,
                  json_util_get_last_err());
    else if (!json_object_is_type(index, json_type_object) ||
             !json_object_object_get_ex(index, "manifests", &list) ||
             !json_object_is_type(list, json_type_array))
        rc = fail(err, errsz, "%s: not an OCI image index (no manifests array)",
                  path);
    for (size_t i = 0; rc == 0 && i < json_object_array_length(list); i++) {
        json_object *m = json_object_array_get_idx(list, i);
        if (json_object_is_type(m, json_type_object) &&
            json_object_object_get_ex(m, "annotations", &ann) &&
            json_object_is_type(ann, json_type_object) &&
            json_object_object_get_ex(ann, REF_NAME, &ref) &&
            json_object_is_type(ref, json_type_string) &&
            strcmp(json_object_get_string(ref), tag) == 0)
            continue;
        buf_printf(
            out, "%s,",
            json_object_to_json_string_ext(
                m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    }
    if (rc == 0 && out->oom)
        rc = fail(err, errsz, "out of memory");
    json_object_put(index);
    free(path);
    return rc;
}

/* --- the image ------------------------------------------------------------ */

/* At most one app per architecture (arch.h). */
#define OCI_MAX_APPS 2

struct oci_request {
    const char *apps[OCI_MAX_APPS];
    size_t napps;
    const char *dir, *tag;
    const char *created; /* RFC 3339, or NULL */
};

static const char *oci_arch(const struct packed *pk)
{
    const struct pack_arch *a = pack_arch_of(pk->img.ehdr->e_machine);
    return a != NULL ? a->oci_name : NULL;
}

static int collect(const char *app, const struct packed *pk, struct buf *es,
                   const char **appname, char *err, size_t errsz)
{
    const char *base = strrchr(app, '/');
    base = base ? base + 1 : app;
    if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return fail(err, errsz, "%s: not a file name", app);
    *appname = base;
    if (entry_add(es, base, strlen(base)) == NULL)
        return fail(err, errsz, "out of memory");

    char *app_dir = strndup(app, (size_t)(base - app));
    if (app_dir == NULL)
        return fail(err, errsz, "out of memory");
    if (app_dir[0] == '\0') {
        free(app_dir);
        app_dir = strdup(".");
        if (app_dir == NULL)
            return fail(err, errsz, "out of memory");
    }
    const struct nabla_payload *p = pk->payload;
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < p->options_count; i++) {
        const char *opt =
            payload_string(pk->payload, p->options_offset, p->options_count, i);
        struct devopt d;
        struct result_msg why;
        if (devopt_split(opt, &d, &why) != RESULT_OK)
            rc = fail(err, errsz, "%s: damaged default option: %s", app,
                      why.text);
        else if (d.type != NULL && d.option->is_path &&
                 devopt_path_rule(d.value) == DEVOPT_PATH_NEXT_TO_EXE)
            rc = add_disk(es, app_dir, app, opt, d.value, err, errsz);
    }
    free(app_dir);
    return rc != 0 ? rc : entries_check(es, app, err, errsz);
}

/* The image config: no Cmd, no shell, no time unless SOURCE_DATE_EPOCH. */
static void config_json(struct buf *s, const struct oci_request *r,
                        const char *arch, const char *entrypoint,
                        const struct digest *diff)
{
    buf_printf(s, "{");
    if (r->created)
        buf_printf(s, "\"created\":\"%s\",", r->created);
    buf_printf(s,
               "\"architecture\":\"%s\",\"os\":\"linux\",\"config\":{"
               "\"Entrypoint\":[",
               arch);
    buf_json_string(s, entrypoint);
    buf_printf(s,
               "],\"WorkingDir\":\"/\"},\"rootfs\":{\"type\":\"layers\","
               "\"diff_ids\":[\"sha256:%s\"]}",
               diff->hex);
    /* History only with a time: umoci 0.4.7 cannot show an entry without. */
    if (r->created)
        buf_printf(s,
                   ",\"history\":[{\"created\":\"%s\",\"created_by\":"
                   "\"nabla-pack oci\"}]",
                   r->created);
    buf_printf(s, "}");
}

static void manifest_json(struct buf *s, const struct digest *config,
                          const struct digest *layer)
{
    buf_printf(s,
               "{\"schemaVersion\":2,\"mediaType\":\"" MT_MANIFEST "\","
               "\"config\":{\"mediaType\":\"" MT_CONFIG "\",\"digest\":"
               "\"sha256:%s\",\"size\":%llu},\"layers\":[{\"mediaType\":"
               "\"" MT_LAYER "\",\"digest\":\"sha256:%s\",\"size\":%llu}]}",
               config->hex, (unsigned long long)config->size, layer->hex,
               (unsigned long long)layer->size);
}

/* The descriptor of one architecture's image manifest, without its
 * closing brace (the tag's annotation may follow). */
static void manifest_descriptor(struct buf *s, const struct digest *manifest,
                                const char *arch)
{
    buf_printf(s,
               "{\"mediaType\":\"" MT_MANIFEST "\",\"digest\":\"sha256:%s\","
               "\"size\":%llu,\"platform\":{\"architecture\":\"%s\","
               "\"os\":\"linux\"}",
               manifest->hex, (unsigned long long)manifest->size, arch);
}

/*
 * index.json: kept, the other images' entries (each followed by a comma),
 * then the tagged image: one architecture's manifest, or (several apps)
 * the image index `multi` that lists each architecture's.
 */
static void index_json(struct buf *s, const char *kept, const char *arch,
                       const char *tag, const struct digest *manifest,
                       const struct digest *multi)
{
    buf_printf(s,
               "{\"schemaVersion\":2,\"mediaType\":\"" MT_INDEX "\","
               "\"manifests\":[%s",
               kept ? kept : "");
    if (multi != NULL)
        buf_printf(s,
                   "{\"mediaType\":\"" MT_INDEX "\",\"digest\":\"sha256:%s\","
                   "\"size\":%llu",
                   multi->hex, (unsigned long long)multi->size);
    else
        manifest_descriptor(s, manifest, arch);
    buf_printf(s, ",\"annotations\":{\"" REF_NAME "\":\"%s\"}}]}", tag);
}

/* A multi-architecture image: an image index of the apps' manifests, in
 * the order of their architectures' names (not of the command line). */
static void multi_index_json(struct buf *s, size_t n, const char *const *arch,
                             const struct digest *manifest)
{
    size_t order[OCI_MAX_APPS];
    for (size_t i = 0; i < n; i++) {
        size_t k = i;
        while (k > 0 && strcmp(arch[order[k - 1]], arch[i]) > 0) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    buf_printf(s, "{\"schemaVersion\":2,\"mediaType\":\"" MT_INDEX "\","
                  "\"manifests\":[");
    for (size_t i = 0; i < n; i++) {
        buf_printf(s, "%s", i ? "," : "");
        manifest_descriptor(s, &manifest[order[i]], arch[order[i]]);
        buf_printf(s, "}");
    }
    buf_printf(s, "]}");
}

/* One app's image: its layer, config and manifest blobs in sha. */
static int write_app_image(const struct oci_request *r, const struct buf *es,
                           const struct packed *pk, const char *appname,
                           const char *arch, const char *sha,
                           struct digest *manifest_d, char *err, size_t errsz)
{
    struct buf config = {0}, manifest = {0};
    struct digest layer_d, diff_d, config_d;
    char *entrypoint = path_join("", appname);
    int rc = -1;

    if (entrypoint == NULL) {
        fail(err, errsz, "out of memory");
        goto out;
    }
    if (write_layer(sha, es, pk, &layer_d, &diff_d, err, errsz) != 0)
        goto out;
    config_json(&config, r, arch, entrypoint, &diff_d);
    if (write_blob(sha, &config, &config_d, err, errsz) != 0)
        goto out;
    manifest_json(&manifest, &config_d, &layer_d);
    rc = write_blob(sha, &manifest, manifest_d, err, errsz);
out:
    free(config.data);
    free(manifest.data);
    free(entrypoint);
    return rc;
}

/*
 * Blobs first, index.json last (renamed into place): a failure never leaves
 * an index that names a missing blob. pk[i] is r->apps[i], opened.
 */
static int write_image(const struct oci_request *r, const struct packed *pk,
                       char *err, size_t errsz)
{
    struct buf es[OCI_MAX_APPS] = {{0}};
    struct buf kept = {0}, multi = {0}, index = {0};
    struct digest manifest_d[OCI_MAX_APPS], multi_d;
    const char *appname[OCI_MAX_APPS], *arch[OCI_MAX_APPS];
    char *blobs = NULL, *sha = NULL;
    int layout, rc = -1;

    /* Everything is checked before DIR is touched. */
    for (size_t i = 0; i < r->napps; i++) {
        arch[i] = oci_arch(&pk[i]);
        if (arch[i] == NULL) {
            fail(err, errsz, "%s: unknown ELF machine %u", r->apps[i],
                 pk[i].img.ehdr->e_machine);
            goto out;
        }
        for (size_t k = 0; k < i; k++) {
            if (strcmp(arch[k], arch[i]) == 0) {
                fail(err, errsz,
                     "%s and %s are both for %s: an image holds one app "
                     "per architecture",
                     r->apps[k], r->apps[i],
                     pack_machine_name(pk[i].img.ehdr->e_machine));
                goto out;
            }
        }
        if (collect(r->apps[i], &pk[i], &es[i], &appname[i], err, errsz) != 0)
            goto out;
    }
    if ((layout = prepare_dir(r->dir, err, errsz)) < 0)
        goto out;
    blobs = path_join(r->dir, "blobs");
    sha = blobs ? path_join(blobs, "sha256") : NULL;
    if (sha == NULL) {
        fail(err, errsz, "out of memory");
        goto out;
    }
    if (make_dir(blobs, err, errsz) != 0 || make_dir(sha, err, errsz) != 0 ||
        (layout && kept_manifests(r->dir, r->tag, &kept, err, errsz) != 0))
        goto out;
    for (size_t i = 0; i < r->napps; i++)
        if (write_app_image(r, &es[i], &pk[i], appname[i], arch[i], sha,
                            &manifest_d[i], err, errsz) != 0)
            goto out;
    const struct digest *top = &manifest_d[0];
    if (r->napps > 1) {
        multi_index_json(&multi, r->napps, arch, manifest_d);
        if (write_blob(sha, &multi, &multi_d, err, errsz) != 0)
            goto out;
        top = &multi_d;
    }
    index_json(&index, (const char *)kept.data, arch[0], r->tag, &manifest_d[0],
               r->napps > 1 ? &multi_d : NULL);
    if (index.oom) {
        fail(err, errsz, "out of memory");
        goto out;
    }
    if ((!layout &&
         atomic_write_file_in(r->dir, "oci-layout", 0644, OCI_LAYOUT,
                              strlen(OCI_LAYOUT), err, errsz) != 0) ||
        atomic_write_file_in(r->dir, "index.json", 0644, index.data, index.len,
                             err, errsz) != 0)
        goto out;
    printf("oci:%s:%s sha256:%s\n", r->dir, r->tag, top->hex);
    rc = 0;
out:
    for (size_t i = 0; i < r->napps; i++)
        entries_free(&es[i]);
    free(kept.data);
    free(multi.data);
    free(index.data);
    free(blobs);
    free(sha);
    return rc;
}

/* --- command line ----------------------------------------------------------
 */

/* Docker's tag grammar: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
static int valid_tag(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > MAX_TAG || t[0] == '.' || t[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

/* SOURCE_DATE_EPOCH as RFC 3339 UTC; NULL in *out if unset or empty. */
static int source_date(char *buf, size_t size, const char **out, char *err,
                       size_t errsz)
{
    const char *v = getenv("SOURCE_DATE_EPOCH");
    struct tm tm;
    char *end;

    *out = NULL;
    if (v == NULL || v[0] == '\0')
        return 0;
    errno = 0;
    long long secs = strtoll(v, &end, 10);
    time_t t = (time_t)secs;
    if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 ||
        secs > 253402300799ll || gmtime_r(&t, &tm) == NULL)
        return fail(err, errsz,
                    "SOURCE_DATE_EPOCH='%s': not a number of seconds since "
                    "1970 (up to year 9999)",
                    v);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    *out = buf;
    return 0;
}

static int usage_error(const char *what, const char *arg)
{
    return die("oci: %s%s%s (usage: nabla-pack oci APP [APP] -o DIR [-t TAG])",
               what, arg ? " " : "", arg ? arg : "");
}

int cmd_oci(int argc, char **argv)
{
    struct oci_request r = {.tag = "latest"};
    struct packed pk[OCI_MAX_APPS];
    uint8_t sum[SHA256_DIGEST_SIZE];
    char err[1024], created[32];

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int out_rc = cli_output_option("oci", argc, argv, &i, &r.dir);
        if (out_rc < 0)
            return 1;
        if (out_rc > 0)
            continue;
        if (strcmp(a, "-t") == 0 && i + 1 >= argc)
            return usage_error("missing value after", a);
        if (strcmp(a, "-t") == 0)
            r.tag = argv[++i];
        else if (a[0] == '-' || r.napps == OCI_MAX_APPS)
            return usage_error("unexpected argument", a);
        else
            r.apps[r.napps++] = a;
    }
    if (r.napps == 0 || r.dir == NULL || r.dir[0] == '\0')
        return usage_error(r.napps ? "no output directory" : "no APP", NULL);
    for (size_t i = 0; i < r.napps; i++)
        if (cli_refuse_overwrite(r.dir, r.apps[i], "executable") != 0)
            return 1;
    if (!valid_tag(r.tag))
        return die("oci: invalid tag '%s' (letters, digits, '_', '.', '-'; at "
                   "most %d)",
                   r.tag, MAX_TAG);
    if (source_date(created, sizeof(created), &r.created, err, sizeof(err)) !=
        0)
        return die("oci: %s", err);
    size_t opened = 0;
    int rc = 0;
    while (rc == 0 && opened < r.napps) {
        struct packed *p = &pk[opened];
        if (packed_open(p, r.apps[opened], err, sizeof(err)) != 0) {
            rc = die("%s", err);
            break;
        }
        opened++;
        if (packed_verify_image(&p->img, sum, err, sizeof(err)) != 0)
            rc = die("%s", err);
    }
    if (rc == 0 && write_image(&r, pk, err, sizeof(err)) != 0)
        rc = die("oci: %s", err);
    for (size_t i = 0; i < opened; i++)
        packed_close(&pk[i]);
    return rc;
}
